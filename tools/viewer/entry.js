// The parts of three.js the Red Shoes viewer uses, exposed as one global: RedShoesThree.
export * from 'three';
export { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
export { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
