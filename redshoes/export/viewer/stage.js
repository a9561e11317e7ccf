// Red Shoes stage: the theatre both pages share (the viewer of a saved dance and the live page) — renderer,
// wooden stage with curtain, warm light with a follow spot, the orbiting audience camera, the ballerina loaded
// from the GLB inlined in the page, and the camera that glides after her. Hand-written, no framework.
window.RedShoesStage = (function () {
  'use strict';
  const T = RedShoesThree;

  // ---- deterministic procedural textures --------------------------------------------------------
  function rng(seed) {
    let s = seed >>> 0;
    return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  }

  function woodTexture(renderer) {
    const c = document.createElement('canvas');
    c.width = 1024; c.height = 1024;
    const g = c.getContext('2d'), rand = rng(7);
    const planks = 16, w = c.width / planks;
    for (let i = 0; i < planks; i++) {
      let y = 0;
      while (y < c.height) {
        const len = 300 + rand() * 600, tone = 0.9 + rand() * 0.16;
        g.fillStyle = `rgb(${Math.round(172 * tone)},${Math.round(112 * tone)},${Math.round(60 * tone)})`;
        g.fillRect(i * w, y, w, len);
        for (let k = 0; k < 14; k++) { // grain
          g.strokeStyle = `rgba(70,40,20,${0.05 + rand() * 0.08})`;
          g.lineWidth = 0.6 + rand() * 1.4;
          const x = i * w + rand() * w;
          g.beginPath(); g.moveTo(x, y); g.bezierCurveTo(x + 3, y + len / 3, x - 3, y + 2 * len / 3, x, y + len);
          g.stroke();
        }
        g.fillStyle = 'rgba(35,18,8,0.65)'; g.fillRect(i * w, y, w, 2); // plank end joint
        y += len;
      }
      g.fillStyle = 'rgba(30,15,6,0.8)'; g.fillRect(i * w, 0, 2, c.height); // plank seam
    }
    const tex = new T.CanvasTexture(c);
    tex.colorSpace = T.SRGBColorSpace;
    tex.wrapS = tex.wrapT = T.RepeatWrapping;
    tex.repeat.set(2.5, 2);
    tex.anisotropy = renderer.capabilities.getMaxAnisotropy();
    return tex;
  }

  function curtainTexture(width) {
    const c = document.createElement('canvas');
    c.width = 512; c.height = 8;
    const g = c.getContext('2d');
    for (let x = 0; x < c.width; x++) {
      const fold = 0.55 + 0.45 * Math.sin(x / c.width * Math.PI * 2 * 14) * Math.sin(x / c.width * Math.PI * 2 * 3 + 1);
      g.fillStyle = `rgb(${Math.round(70 + 80 * fold)},${Math.round(6 + 8 * fold)},${Math.round(12 + 10 * fold)})`;
      g.fillRect(x, 0, 1, c.height);
    }
    const tex = new T.CanvasTexture(c);
    tex.colorSpace = T.SRGBColorSpace;
    tex.wrapS = T.RepeatWrapping;
    tex.repeat.set(width / 14, 1);
    return tex;
  }

  // The theatre on `canvas` for a stage `width` × `depth` metres; `keepDrawing` keeps the last picture
  // readable (screenshots). Returns {renderer, scene, camera, controls, spot}.
  function build(canvas, width, depth, keepDrawing) {
    const renderer = new T.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: !!keepDrawing });
    renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    renderer.shadowMap.enabled = true;
    renderer.shadowMap.type = T.PCFShadowMap;
    renderer.toneMapping = T.ACESFilmicToneMapping;
    renderer.toneMappingExposure = 1.0;
    renderer.outputColorSpace = T.SRGBColorSpace;

    const scene = new T.Scene();
    scene.background = new T.Color(0x0d0709);
    scene.fog = new T.Fog(0x0d0709, 14, 30);

    const camera = new T.PerspectiveCamera(30, 1, 0.05, 100);
    camera.position.set(0, 1.45, 6.2);
    const controls = new T.OrbitControls(camera, canvas);
    controls.target.set(0, 0.95, 0);
    controls.enableDamping = true;
    controls.minDistance = 1.5;
    controls.maxDistance = 20;
    controls.maxPolarAngle = Math.PI * 0.49;
    controls.update();

    const floor = new T.Mesh(new T.PlaneGeometry(width, depth),
      new T.MeshStandardMaterial({ map: woodTexture(renderer), roughness: 0.62, metalness: 0.0 }));
    floor.rotation.x = -Math.PI / 2;
    floor.receiveShadow = true;
    scene.add(floor);
    const apron = new T.Mesh(new T.BoxGeometry(width, 0.9, 0.06),
      new T.MeshStandardMaterial({ color: 0x1a0d08, roughness: 0.9 }));
    apron.position.set(0, -0.45, depth / 2 + 0.03);
    scene.add(apron);
    const wings = new T.Mesh(new T.PlaneGeometry(40, 40),
      new T.MeshStandardMaterial({ color: 0x140b08, roughness: 0.95 }));
    wings.rotation.x = -Math.PI / 2;
    wings.position.y = -0.005;
    wings.receiveShadow = true;
    scene.add(wings);
    const curtain = new T.Mesh(new T.PlaneGeometry(width + 24, 9),
      new T.MeshStandardMaterial({ map: curtainTexture(width + 24), roughness: 0.95 }));
    curtain.position.set(0, 4.5, -depth / 2 - 0.2);
    curtain.receiveShadow = true;
    scene.add(curtain);

    // light: warm hemisphere, a follow spot with soft shadows, a warm fill, a cool rim
    scene.add(new T.HemisphereLight(0xffe6d0, 0x7a5234, 0.38));
    const spot = new T.SpotLight(0xfff0dc, 200, 30, Math.PI / 14, 0.7, 1.6);
    spot.position.set(1.2, 5.5, 9.0);
    spot.castShadow = true;
    spot.shadow.mapSize.set(2048, 2048);
    spot.shadow.bias = -0.0004;
    spot.shadow.radius = 4;
    spot.shadow.intensity = 0.7; // the tutu shades the legs without blacking them out
    spot.shadow.camera.near = 2; spot.shadow.camera.far = 25;
    scene.add(spot, spot.target);
    const fill = new T.DirectionalLight(0xffd9c0, 0.35);
    fill.position.set(-5, 6, 6);
    scene.add(fill);
    const rim = new T.DirectionalLight(0xffe2c8, 0.9);
    rim.position.set(-2, 6, -6);
    scene.add(rim);
    return { renderer, scene, camera, controls, spot };
  }

  // The ballerina from the base64 GLB in the element `id`: calls onLoad(gltf, bonesByName) once she is on the
  // scene, onError(message) when she cannot be read.
  function loadDancer(scene, id, onLoad, onError) {
    const b64 = document.getElementById(id).textContent.trim();
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    new T.GLTFLoader().parse(bytes.buffer, '', (gltf) => {
      const bones = {};
      gltf.scene.traverse((o) => {
        if (o.isMesh) { o.castShadow = true; o.receiveShadow = true; o.frustumCulled = false; }
        if (o.isBone) bones[o.name] = o;
      });
      scene.add(gltf.scene);
      onLoad(gltf, bones);
    }, (err) => onError(String(err)));
  }

  // A camera that glides after the dancer's hips (ease 1 = snap), keeping the point of view the user chose,
  // with the follow spot on her. Returns whether the view moved.
  function follower(theatre) {
    const hipsWorld = new T.Vector3(), at = new T.Vector3(0, 0.95, 0), delta = new T.Vector3();
    return (hips, ease) => {
      hips.getWorldPosition(hipsWorld);
      theatre.spot.target.position.set(hipsWorld.x, 0, hipsWorld.z);
      delta.set(hipsWorld.x * 0.85, 0.95, hipsWorld.z * 0.85).sub(at).multiplyScalar(ease);
      at.add(delta);
      theatre.controls.target.add(delta);
      theatre.camera.position.add(delta);
      return delta.lengthSq() > 1e-10;
    };
  }

  return { build, loadDancer, follower };
})();
