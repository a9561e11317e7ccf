// Red Shoes live: the ballerina dances the frames the server sends over a WebSocket, as the music plays.
(function () {
  'use strict';
  const T = RedShoesThree;
  const $ = (id) => document.getElementById(id);
  const hasAudio = JSON.parse($('redshoes-audio').textContent);
  const state = { ready: false, connected: false, frames: 0, step: '', status: 'connecting', ended: false, errors: [] };
  window.redshoes = state;

  // ---- renderer, scene, camera, light ------------------------------------------------------------
  const canvas = $('stage');
  const renderer = new T.WebGLRenderer({ canvas, antialias: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.shadowMap.enabled = true;
  renderer.toneMapping = T.ACESFilmicToneMapping;
  renderer.outputColorSpace = T.SRGBColorSpace;
  const scene = new T.Scene();
  scene.background = new T.Color(0x0d0709);
  scene.fog = new T.Fog(0x0d0709, 14, 30);
  const camera = new T.PerspectiveCamera(30, 1, 0.05, 100);
  camera.position.set(0, 1.45, 6.2);
  const controls = new T.OrbitControls(camera, canvas);
  controls.target.set(0, 0.95, 0);
  controls.enableDamping = true;
  controls.maxPolarAngle = Math.PI * 0.49;
  const floor = new T.Mesh(new T.PlaneGeometry(10, 8), new T.MeshStandardMaterial({ color: 0x8a5a32, roughness: 0.6 }));
  floor.rotation.x = -Math.PI / 2;
  floor.receiveShadow = true;
  scene.add(floor);
  scene.add(new T.HemisphereLight(0xffe6d0, 0x7a5234, 0.45));
  const spot = new T.SpotLight(0xfff0dc, 200, 30, Math.PI / 14, 0.7, 1.6);
  spot.position.set(1.2, 5.5, 9.0);
  spot.castShadow = true;
  spot.shadow.mapSize.set(1024, 1024);
  scene.add(spot, spot.target);
  const rim = new T.DirectionalLight(0xffe2c8, 0.9);
  rim.position.set(-2, 6, -6);
  scene.add(rim);
  function resize() {
    renderer.setSize(window.innerWidth, window.innerHeight, false);
    camera.aspect = window.innerWidth / window.innerHeight;
    camera.updateProjectionMatrix();
  }
  window.addEventListener('resize', resize);
  resize();

  // ---- the dancer ----------------------------------------------------------------------------------
  let bones = [], hips = null, jointNames = null;
  const b64 = $('redshoes-glb').textContent.trim();
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const byName = {};
  new T.GLTFLoader().parse(bytes.buffer, '', (gltf) => {
    gltf.scene.traverse((o) => {
      if (o.isMesh) { o.castShadow = true; o.frustumCulled = false; }
      if (o.isBone) byName[o.name] = o;
    });
    scene.add(gltf.scene);
    bindBones();
    state.ready = true;
  }, (err) => { state.errors.push(String(err)); });
  function bindBones() {
    if (!jointNames || !Object.keys(byName).length) return;
    bones = jointNames.map((n) => byName[n] || null);
    hips = bones[0];
  }

  // ---- what the server says ---------------------------------------------------------------------------
  const frames = new Map();   // frame index -> {root, rot}
  let fps = 30, offset = null, finalPose = null, endTime = Infinity;
  const steps = [];
  const stateText = { listening: 'listening for the beat…', dancing: 'dancing', holding: 'holding her pose — waiting for music' };
  function clock() { return performance.now() / 1000 + (offset === null ? 0 : offset); }
  function onMessage(msg) {
    if (msg.type === 'hello') {
      fps = msg.fps; jointNames = msg.joints; bindBones();
      offset = msg.time - performance.now() / 1000;
    } else if (msg.type === 'frames') {
      const estimate = msg.time - performance.now() / 1000;
      offset = offset === null ? estimate : Math.max(estimate, offset - 0.0005);
      for (let k = 0; k < msg.root.length; k++) frames.set(msg.first + k, { root: msg.root[k], rot: msg.rot[k] });
      state.frames += msg.root.length;
      const old = Math.floor((clock() - 3) * fps);
      for (const key of frames.keys()) { if (key < old) frames.delete(key); else break; }
    } else if (msg.type === 'step') {
      steps.push(msg);
      if (steps.length > 32) steps.shift();
    } else if (msg.type === 'status') {
      state.status = msg.state;
      $('state').textContent = stateText[msg.state] || msg.state;
      $('message').textContent = msg.message || '';
    } else if (msg.type === 'end') {
      finalPose = { root: msg.root, rot: msg.rot }; endTime = msg.time; state.ended = true;
      $('state').textContent = 'the music has ended';
    }
  }
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live');
  ws.onopen = () => { state.connected = true; };
  ws.onmessage = (e) => onMessage(JSON.parse(e.data));
  ws.onclose = () => { state.connected = false; if (!state.ended) $('state').textContent = 'disconnected'; };

  // ---- the music in the page (file sources) ---------------------------------------------------------------
  let audio = null;
  if (hasAudio) {
    const button = $('music');
    button.style.display = 'block';
    button.addEventListener('click', () => {
      if (!audio) {
        audio = new Audio('/audio');
        audio.currentTime = Math.max(0, clock());
        audio.play().catch((e) => { state.errors.push(String(e)); audio = null; });
        button.textContent = '\u266b Mute';
      } else {
        audio.pause(); audio = null; button.textContent = '\u266b Play the music here';
      }
    });
  }

  // ---- posing ---------------------------------------------------------------------------------------
  const qa = new T.Quaternion(), qb = new T.Quaternion();
  function pose(a, b, u) {
    if (!bones.length) return;
    for (let j = 0; j < bones.length; j++) {
      const bone = bones[j];
      if (!bone) continue;
      qa.fromArray(a.rot, 4 * j);
      if (b) { qb.fromArray(b.rot, 4 * j); qa.slerp(qb, u); }
      bone.quaternion.copy(qa);
    }
    if (hips) {
      const r = a.root, s = b ? b.root : a.root;
      hips.position.set(r[0] + (s[0] - r[0]) * u, r[1] + (s[1] - r[1]) * u, r[2] + (s[2] - r[2]) * u);
    }
  }
  function showStep(t) {
    let s = null;
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i].start <= t) { s = steps[i]; break; }
    if (!s || t > s.end + 1.0) { $('step').innerHTML = '&nbsp;'; $('counts').textContent = ''; state.step = ''; return; }
    if (state.step !== s.name + s.start) {
      state.step = s.name + s.start;
      $('step').textContent = s.name;
      $('counts').textContent = '';
      for (let k = 0; k < s.counts; k++) {
        const span = document.createElement('span');
        span.textContent = String(s.count + k);
        $('counts').appendChild(span);
      }
    }
    let k = -1;
    s.count_times.forEach((c, i) => { if (c <= t) k = i; });
    Array.from($('counts').children).forEach((span, i) => span.classList.toggle('on', i === k));
    state.stepName = s.name;
  }

  const hipsWorld = new T.Vector3(), follow = new T.Vector3(0, 0.95, 0), delta = new T.Vector3();
  function frame() {
    const t = audio ? audio.currentTime : clock();
    state.time = t;
    const i = t * fps, i0 = Math.floor(i);
    const a = frames.get(i0);
    if (a) pose(a, frames.get(i0 + 1), i - i0);
    else if (finalPose && t >= endTime - 0.2) pose(finalPose, null, 0);
    showStep(t);
    if (hips) {
      hips.getWorldPosition(hipsWorld);
      spot.target.position.set(hipsWorld.x, 0, hipsWorld.z);
      delta.set(hipsWorld.x * 0.85, 0.95, hipsWorld.z * 0.85).sub(follow).multiplyScalar(0.05);
      follow.add(delta); controls.target.add(delta); camera.position.add(delta);
    }
    controls.update();
    renderer.render(scene, camera);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();
