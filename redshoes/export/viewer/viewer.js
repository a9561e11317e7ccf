// Red Shoes viewer: the ballerina on a wooden stage, clocked by the music. Hand-written, no framework.
(function () {
  'use strict';
  const T = RedShoesThree;
  const data = JSON.parse(document.getElementById('redshoes-data').textContent);
  const $ = (id) => document.getElementById(id);
  const audio = $('music'), playBtn = $('play'), seek = $('seek'), clockEl = $('clock');
  const stepEl = $('step'), nextEl = $('next'), countsEl = $('counts');

  // Debug/test handle: what the page shows, readable from outside.
  const state = { ready: false, time: 0, step: '', count: 0, playing: false, clock: 'audio', errors: [] };
  window.redshoes = state;

  // ---- renderer, scene, camera -------------------------------------------------------------------
  const canvas = $('stage');
  const renderer = new T.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
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
  state.camera = camera;
  state.controls = controls;

  // ---- deterministic procedural textures --------------------------------------------------------
  function rng(seed) {
    let s = seed >>> 0;
    return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  }

  function woodTexture() {
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

  // ---- the stage ---------------------------------------------------------------------------------
  const stageW = data.stage.width, stageD = data.stage.depth;
  const floor = new T.Mesh(
    new T.PlaneGeometry(stageW, stageD),
    new T.MeshStandardMaterial({ map: woodTexture(), roughness: 0.62, metalness: 0.0 }));
  floor.rotation.x = -Math.PI / 2;
  floor.receiveShadow = true;
  scene.add(floor);
  const apron = new T.Mesh(new T.BoxGeometry(stageW, 0.9, 0.06),
    new T.MeshStandardMaterial({ color: 0x1a0d08, roughness: 0.9 }));
  apron.position.set(0, -0.45, stageD / 2 + 0.03);
  scene.add(apron);
  const wings = new T.Mesh(new T.PlaneGeometry(40, 40),
    new T.MeshStandardMaterial({ color: 0x140b08, roughness: 0.95 }));
  wings.rotation.x = -Math.PI / 2;
  wings.position.y = -0.005;
  wings.receiveShadow = true;
  scene.add(wings);
  const curtain = new T.Mesh(new T.PlaneGeometry(stageW + 24, 9),
    new T.MeshStandardMaterial({ map: curtainTexture(stageW + 24), roughness: 0.95 }));
  curtain.position.set(0, 4.5, -stageD / 2 - 0.2);
  curtain.receiveShadow = true;
  scene.add(curtain);

  // ---- light: warm hemisphere, a follow spot with soft shadows, a cool rim ------------------------
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

  // ---- the music: bars and beats give the counts --------------------------------------------------
  const steps = data.steps, bars = data.bars;
  function find(list, t) { // last item whose start <= t
    let lo = 0, hi = list.length - 1, ans = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (list[mid].start <= t) { ans = mid; lo = mid + 1; } else hi = mid - 1; }
    return ans;
  }
  let shownBar = -2, shownCount = -1, shownStep = -2;
  function showCounts(t) {
    const b = find(bars, t);
    let count = 0;
    if (b >= 0 && t < bars[b].end + 0.5) {
      const beats = bars[b].beats;
      for (let i = 0; i < beats.length; i++) if (beats[i] <= t + 1e-6) count = i + 1;
    }
    if (b !== shownBar) {
      shownBar = b;
      countsEl.textContent = '';
      const n = b >= 0 ? bars[b].beats.length : 0, first = b >= 0 ? bars[b].first_count : 1;
      for (let i = 0; i < n; i++) {
        const s = document.createElement('span');
        s.textContent = String(first + i);
        countsEl.appendChild(s);
      }
      shownCount = -1;
    }
    if (count !== shownCount) {
      shownCount = count;
      Array.from(countsEl.children).forEach((s, i) => s.classList.toggle('on', i + 1 === count));
    }
    state.count = count > 0 ? bars[b].first_count + count - 1 : 0;
  }
  function showStep(t) {
    const s = find(steps, t);
    if (s !== shownStep) {
      shownStep = s;
      stepEl.textContent = s >= 0 ? steps[s].name : '\u00a0';
      nextEl.textContent = s + 1 < steps.length ? 'then ' + steps[s + 1].name : '\u00a0';
    }
    state.step = s >= 0 ? steps[s].name : '';
  }

  // ---- the clock: the audio element, or a wall clock when the audio cannot play ------------------
  const duration = data.duration;
  seek.max = String(duration);
  let useWall = false, wallStart = 0, wallAt = 0, playing = false;
  function useWallClock(reason) {
    if (useWall) return;
    const t = now();
    useWall = true; state.clock = 'wall'; state.clockReason = reason;
    wallAt = t; wallStart = performance.now();
  }
  audio.addEventListener('error', () => useWallClock('audio error'));
  audio.addEventListener('ended', () => setPlaying(false));
  function now() {
    if (!useWall) return audio.currentTime || 0;
    return playing ? wallAt + (performance.now() - wallStart) / 1000 : wallAt;
  }
  function setTime(t) {
    t = Math.max(0, Math.min(duration, t));
    if (useWall) { wallAt = t; wallStart = performance.now(); } else { try { audio.currentTime = t; } catch (e) { useWallClock('seek'); wallAt = t; } }
  }
  function setPlaying(on) {
    if (on && now() >= duration - 0.05) setTime(0);
    playing = on; state.playing = on;
    playBtn.innerHTML = on ? '&#10074;&#10074;' : '&#9654;';
    playBtn.setAttribute('aria-label', on ? 'Pause' : 'Play');
    if (useWall) { wallStart = performance.now(); return; }
    if (on) {
      const p = audio.play();
      if (p && p.catch) p.catch((e) => { useWallClock('audio refused: ' + e.name); wallStart = performance.now(); });
    } else {
      audio.pause();
    }
  }
  playBtn.addEventListener('click', () => setPlaying(!playing));
  window.addEventListener('keydown', (e) => { if (e.code === 'Space') { e.preventDefault(); setPlaying(!playing); } });
  let dragging = false;
  seek.addEventListener('input', () => { dragging = true; snap = true; setTime(parseFloat(seek.value)); });
  seek.addEventListener('change', () => { dragging = false; });
  state.play = () => setPlaying(true);
  state.pause = () => setPlaying(false);
  state.seek = (t) => { snap = true; setTime(t); };
  const fmt = (t) => Math.floor(t / 60) + ':' + String(Math.floor(t % 60)).padStart(2, '0');

  // ---- the dancer --------------------------------------------------------------------------------
  let mixer = null, hips = null, clipDuration = 0;
  const b64 = document.getElementById('redshoes-glb').textContent.trim();
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  new T.GLTFLoader().parse(bytes.buffer, '', (gltf) => {
    const dancer = gltf.scene;
    dancer.traverse((o) => {
      if (o.isMesh) { o.castShadow = true; o.receiveShadow = true; o.frustumCulled = false; }
      if (o.isBone && o.name === 'Hips') hips = o;
    });
    scene.add(dancer);
    mixer = new T.AnimationMixer(dancer);
    const clip = gltf.animations[0];
    clipDuration = clip.duration;
    const action = mixer.clipAction(clip);
    action.setLoop(T.LoopOnce, 1);
    action.clampWhenFinished = true;
    action.play();
    $('loading').style.display = 'none';
    state.ready = true;
  }, (err) => { state.errors.push(String(err)); console.error('Red Shoes: cannot load the dancer', err); });

  // ---- frame loop ------------------------------------------------------------------------------
  const hipsWorld = new T.Vector3(), follow = new T.Vector3(0, 0.95, 0), delta = new T.Vector3();
  function resize() {
    const w = window.innerWidth, h = window.innerHeight;
    renderer.setSize(w, h, false);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
  }
  window.addEventListener('resize', resize);
  resize();

  let last = performance.now(), snap = true;
  function frame() {
    const wall = performance.now(), dt = Math.min((wall - last) / 1000, 0.1);
    last = wall;
    const t = Math.min(now(), duration);
    if (playing && t >= duration) setPlaying(false);
    state.time = t;
    if (mixer) mixer.setTime(Math.min(t, Math.max(clipDuration - 1e-4, 0)));
    if (hips) {
      hips.getWorldPosition(hipsWorld);
      spot.target.position.set(hipsWorld.x, 0, hipsWorld.z);
      // the camera glides after the dancer, keeping the point of view the user chose (snaps after a seek)
      const ease = snap ? 1 : 1 - Math.exp(-3 * dt);
      snap = false;
      delta.set(hipsWorld.x * 0.85, 0.95, hipsWorld.z * 0.85).sub(follow).multiplyScalar(ease);
      follow.add(delta);
      controls.target.add(delta);
      camera.position.add(delta);
    }
    controls.update();
    showStep(t);
    showCounts(t);
    if (!dragging) seek.value = String(t);
    clockEl.textContent = fmt(t) + ' / ' + fmt(duration);
    renderer.render(scene, camera);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();
