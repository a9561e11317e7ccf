// Red Shoes viewer: the ballerina on a wooden stage, clocked by the music. Hand-written, no framework.
(function () {
  'use strict';
  const T = RedShoesThree;
  const data = JSON.parse(document.getElementById('redshoes-data').textContent);
  const $ = (id) => document.getElementById(id);
  const audio = $('music'), playBtn = $('play'), clockEl = $('clock');
  const timeline = $('timeline'), wave = $('wave'), strip = $('strip'), playhead = $('playhead');
  const stepEl = $('step'), nextEl = $('next'), countsEl = $('counts');

  // Debug/test handle: what the page shows, readable from outside.
  const state = { ready: false, time: 0, step: '', count: 0, playing: false, clock: 'audio', errors: [],
    speed: 1, view: 'audience' };
  window.redshoes = state;
  let dirty = true; // the 3D view must be drawn again

  // ---- the theatre (stage.js) ---------------------------------------------------------------------
  const stageW = data.stage.width, stageD = data.stage.depth;
  const theatre = RedShoesStage.build($('stage'), stageW, stageD, true);
  const { renderer, scene, camera, controls } = theatre;
  state.camera = camera;
  state.controls = controls;

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
  let useWall = false, wallStart = 0, wallAt = 0, playing = false, speed = 1, snap = true;
  function useWallClock(reason) {
    if (useWall) return;
    const t = now();
    useWall = true; state.clock = 'wall'; state.clockReason = reason;
    wallAt = t; wallStart = performance.now();
  }
  audio.addEventListener('error', () => useWallClock('audio error'));
  audio.addEventListener('ended', () => setPlaying(false));
  audio.preservesPitch = true; // slower, not lower
  function now() {
    if (!useWall) return audio.currentTime || 0;
    return playing ? wallAt + speed * (performance.now() - wallStart) / 1000 : wallAt;
  }
  function setTime(t) {
    t = Math.max(0, Math.min(duration, t));
    snap = true;
    if (useWall) { wallAt = t; wallStart = performance.now(); } else { try { audio.currentTime = t; } catch (e) { useWallClock('seek'); wallAt = t; } }
  }
  function setPlaying(on) {
    if (on && now() >= duration - 0.05) setTime(0);
    if (useWall) { wallAt = now(); wallStart = performance.now(); }
    playing = on; state.playing = on;
    playBtn.innerHTML = on ? '&#10074;&#10074;' : '&#9654;';
    playBtn.setAttribute('aria-label', on ? 'Pause' : 'Play');
    if (useWall) return;
    if (on) {
      const p = audio.play();
      if (p && p.catch) p.catch((e) => { useWallClock('audio refused: ' + e.name); wallStart = performance.now(); });
    } else {
      audio.pause();
    }
  }
  function setSpeed(rate) {
    if (useWall) { wallAt = now(); wallStart = performance.now(); }
    speed = rate; state.speed = rate;
    audio.playbackRate = rate;
    document.querySelectorAll('#speeds button').forEach((b) => b.classList.toggle('on', parseFloat(b.dataset.speed) === rate));
  }
  playBtn.addEventListener('click', () => setPlaying(!playing));
  document.querySelectorAll('#speeds button').forEach((b) => b.addEventListener('click', () => setSpeed(parseFloat(b.dataset.speed))));
  document.querySelectorAll('#views button').forEach((b) => b.addEventListener('click', () => setView(b.dataset.view)));
  function stepJump(dir) { // to the start of the previous / next step
    const i = find(steps, now() - (dir < 0 ? 0.3 : 0));
    const j = Math.max(0, Math.min(steps.length - 1, i + dir));
    if (steps.length) setTime(steps[j].start);
  }
  window.addEventListener('keydown', (e) => {
    if (e.target && e.target.tagName === 'BUTTON' && (e.code === 'Space' || e.code === 'Enter')) {
      if (e.code === 'Space') { e.preventDefault(); setPlaying(!playing); }
      return;
    }
    if (e.code === 'Space') { e.preventDefault(); setPlaying(!playing); }
    else if (e.code === 'ArrowLeft' || e.code === 'ArrowRight') {
      e.preventDefault();
      const dir = e.code === 'ArrowLeft' ? -1 : 1;
      if (e.shiftKey) stepJump(dir); else setTime(now() + 5 * dir);
    } else if (e.key === '1' || e.key === '2' || e.key === '3') setView(['audience', 'wings', 'plan'][+e.key - 1]);
  });
  state.play = () => setPlaying(true);
  state.pause = () => setPlaying(false);
  state.seek = (t) => setTime(t);
  state.setSpeed = setSpeed;
  state.audio = audio;
  const fmt = (t) => Math.floor(t / 60) + ':' + String(Math.floor(t % 60)).padStart(2, '0');

  // ---- the timeline: the music's waveform over the steps, coloured by family; click or drag to seek -
  const FAMILY_COLOURS = { pose: '#8a7566', link: '#5d6e7c', adagio: '#7d68a8', turn: '#c29a2c',
    'petit allegro': '#3f9483', 'grand allegro': '#cf5537', waltz: '#b45a80' };
  const peaks = (data.waveform && data.waveform.peaks) || [], peaksSeconds = (data.waveform && data.waveform.seconds) || duration;
  const blocks = steps.map((s) => {
    const el = document.createElement('div');
    el.style.left = (100 * s.start / duration) + '%';
    el.style.width = (100 * (s.end - s.start) / duration) + '%';
    el.style.background = FAMILY_COLOURS[s.family] || '#6b5a55';
    el.title = s.name + (s.family ? ' — ' + s.family : '') + ' · bar ' + s.bar;
    el.dataset.name = s.name;
    strip.appendChild(el);
    return el;
  });
  function labelBlocks() { // names only where they fit: an uncluttered strip
    const w = strip.clientWidth;
    blocks.forEach((el, i) => {
      const px = w * (steps[i].end - steps[i].start) / duration;
      el.textContent = px > 6.2 * steps[i].name.length + 10 ? steps[i].name : '';
    });
  }
  let waveDrawnAt = -1;
  function drawWave(t) {
    const dpr = Math.min(window.devicePixelRatio || 1, 2), w = wave.clientWidth, h = wave.clientHeight;
    if (wave.width !== Math.round(w * dpr) || wave.height !== Math.round(h * dpr)) {
      wave.width = Math.round(w * dpr); wave.height = Math.round(h * dpr); waveDrawnAt = -1;
    }
    const x = Math.round(w * t / duration);
    if (x === waveDrawnAt) return;
    waveDrawnAt = x;
    const g = wave.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const n = peaks.length, mid = h / 2, span = w * Math.min(peaksSeconds / duration, 1);
    const bars = Math.max(1, Math.min(n, Math.floor(span / 2)));
    for (let i = 0; i < bars; i++) {
      let p = 0; // the loudest peak among those this bar covers
      for (let k = Math.floor(i * n / bars); k < Math.max(Math.floor((i + 1) * n / bars), Math.floor(i * n / bars) + 1); k++) p = Math.max(p, peaks[k] || 0);
      const bx = i * span / bars, a = Math.max(1, p / 100 * (mid - 1));
      g.fillStyle = bx < x ? '#ff6b72' : 'rgba(217, 200, 189, 0.38)';
      g.fillRect(bx, mid - a, Math.max(1, span / bars - 0.6), 2 * a);
    }
  }
  let scrubbing = false;
  function seekAt(clientX) {
    const r = timeline.getBoundingClientRect();
    setTime(duration * Math.max(0, Math.min(1, (clientX - r.left) / r.width)));
  }
  timeline.addEventListener('pointerdown', (e) => { scrubbing = true; timeline.setPointerCapture(e.pointerId); seekAt(e.clientX); });
  timeline.addEventListener('pointermove', (e) => { if (scrubbing) seekAt(e.clientX); });
  timeline.addEventListener('pointerup', () => { scrubbing = false; });
  timeline.addEventListener('pointercancel', () => { scrubbing = false; });
  timeline.setAttribute('aria-valuemax', String(duration));
  let shownBlock = -1;
  function showTimeline(t) {
    playhead.style.left = (100 * t / duration) + '%';
    timeline.setAttribute('aria-valuenow', t.toFixed(1));
    const s = find(steps, t);
    if (s !== shownBlock) {
      if (shownBlock >= 0 && blocks[shownBlock]) blocks[shownBlock].classList.remove('now');
      if (s >= 0) blocks[s].classList.add('now');
      shownBlock = s;
    }
    drawWave(t);
  }

  // ---- the dancer --------------------------------------------------------------------------------
  let mixer = null, hips = null, clipDuration = 0;
  RedShoesStage.loadDancer(scene, 'redshoes-glb', (gltf, bones) => {
    hips = bones.Hips || null;
    mixer = new T.AnimationMixer(gltf.scene);
    const clip = gltf.animations[0];
    clipDuration = clip.duration;
    const action = mixer.clipAction(clip);
    action.setLoop(T.LoopOnce, 1);
    action.clampWhenFinished = true;
    action.play();
    $('loading').style.display = 'none';
    dirty = true;
    state.ready = true;
  }, (err) => { state.errors.push(err); console.error('Red Shoes: cannot load the dancer', err); });

  // ---- the floor plan: the dancer's path on the stage, start marked, arrows along the way ------------
  const path = new T.Group();
  path.visible = false;
  scene.add(path);
  let showTravelled = () => {};
  (function buildPath() {
    const pts = [], when = [];
    steps.forEach((s) => {
      for (const p of [s.from, s.to]) {
        const last = pts[pts.length - 1];
        if (p && (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) > 0.02)) { pts.push(p); when.push(s.start); }
      }
    });
    if (!pts.length) return;
    const y = 0.012, half = 0.035, pos = [], tri = [], ends = [];
    for (let i = 0; i + 1 < pts.length; i++) {
      const [x0, z0] = pts[i], [x1, z1] = pts[i + 1], len = Math.hypot(x1 - x0, z1 - z0);
      const nx = -(z1 - z0) / len * half, nz = (x1 - x0) / len * half, k = pos.length / 3;
      pos.push(x0 + nx, y, z0 + nz, x0 - nx, y, z0 - nz, x1 + nx, y, z1 + nz, x1 - nx, y, z1 - nz);
      tri.push(k, k + 2, k + 1, k + 1, k + 2, k + 3);
      if (len > 0.7) { // an arrow head halfway, pointing the way she travels
        const ux = (x1 - x0) / len, uz = (z1 - z0) / len, mx = (x0 + x1) / 2, mz = (z0 + z1) / 2, a = 0.2, b = 0.13;
        const j = pos.length / 3;
        pos.push(mx + ux * a, y, mz + uz * a, mx - uz * b, y, mz + ux * b, mx + uz * b, y, mz - ux * b);
        tri.push(j, j + 2, j + 1);
      }
      ends.push(tri.length);
    }
    // the whole path faintly, and over it, bright, the part she has danced so far
    const ribbon = (opacity) => {
      const geo = new T.BufferGeometry();
      geo.setAttribute('position', new T.Float32BufferAttribute(pos, 3));
      geo.setIndex(tri);
      const mesh = new T.Mesh(geo, new T.MeshBasicMaterial({ color: 0xfff1e6, transparent: true, opacity,
        depthWrite: false, side: T.DoubleSide }));
      path.add(mesh);
      return mesh;
    };
    ribbon(0.3);
    const danced = ribbon(0.95);
    danced.position.y = 0.001;
    showTravelled = (t) => {
      let k = -1;
      while (k + 1 < ends.length && when[k + 2] <= t + 1e-6) k++;
      danced.geometry.setDrawRange(0, k >= 0 ? ends[k] : 0);
    };
    const start = new T.Mesh(new T.RingGeometry(0.16, 0.24, 40),
      new T.MeshBasicMaterial({ color: 0xff4f58, side: T.DoubleSide, depthWrite: false }));
    start.rotation.x = -Math.PI / 2;
    start.position.set(pts[0][0], y + 0.002, pts[0][1]);
    path.add(start);
  })();
  const audienceLabel = (function () { // "AUDIENCE" written on the floor in front of the stage, for the plan
    const c = document.createElement('canvas');
    c.width = 512; c.height = 64;
    const g = c.getContext('2d');
    g.fillStyle = '#d9c8bd'; g.font = 'italic 38px Georgia, serif'; g.textAlign = 'center'; g.textBaseline = 'middle';
    g.fillText('a u d i e n c e', 256, 32);
    const tex = new T.CanvasTexture(c);
    tex.colorSpace = T.SRGBColorSpace;
    const m = new T.Mesh(new T.PlaneGeometry(3.2, 0.4), new T.MeshBasicMaterial({ map: tex, transparent: true, depthWrite: false }));
    m.rotation.x = -Math.PI / 2;
    m.position.set(0, 0.01, stageD / 2 + 0.55);
    m.visible = false;
    scene.add(m);
    return m;
  })();

  // ---- the cameras: audience (front), wings (stage left), floor plan (from above, orthographic) -------
  const plan = new T.OrthographicCamera(-1, 1, 1, -1, 0.1, 60);
  plan.up.set(0, 0, -1); // the audience at the bottom of the plan, stage left on the right as they see it
  plan.position.set(0, 20, 0);
  plan.lookAt(0, 0, 0);
  const VIEWS = { audience: new T.Vector3(0, 0.5, 6.2), wings: new T.Vector3(6.2, 0.5, 0) };
  let view = 'audience', active = camera;
  function setView(name) {
    if (!(name in VIEWS) && name !== 'plan') return;
    view = name; state.view = name;
    if (name === 'plan') {
      active = plan; controls.enabled = false;
    } else {
      active = camera; controls.enabled = true;
      camera.position.copy(controls.target).add(VIEWS[name]);
      controls.update();
    }
    path.visible = audienceLabel.visible = name === 'plan';
    scene.fog = name === 'plan' ? null : fog;
    document.querySelectorAll('#views button').forEach((b) => b.classList.toggle('on', b.dataset.view === name));
    dirty = true;
  }
  const fog = scene.fog;
  state.setView = setView;
  state.plan = plan;

  // ---- frame loop ------------------------------------------------------------------------------
  const follow = RedShoesStage.follower(theatre);
  function resize() {
    const w = window.innerWidth, h = window.innerHeight;
    renderer.setSize(w, h, false);
    camera.aspect = w / h;
    // a narrow (portrait) window keeps the width of view of a 6:5 one, so the dancer stays in frame
    const tanHalf = Math.tan(T.MathUtils.degToRad(15));
    camera.fov = T.MathUtils.radToDeg(2 * Math.atan(Math.max(tanHalf, tanHalf * 1.2 / camera.aspect)));
    camera.updateProjectionMatrix();
    // the plan shows the whole stage and the audience's edge between the step name and the timeline
    const top = 120, bottom = 150, free = Math.max(h - top - bottom, 100);
    const ppm = Math.min((w - 60) / (stageW + 0.6), free / (stageD + 1.7)); // pixels per metre
    const zc = (bottom - top) / 2 / ppm + 0.45; // centre of the view, shifted so the stage clears the overlays
    plan.left = -w / 2 / ppm; plan.right = w / 2 / ppm; plan.top = h / 2 / ppm; plan.bottom = -h / 2 / ppm;
    plan.position.set(0, 20, zc);
    plan.lookAt(0, 0, zc);
    plan.updateProjectionMatrix();
    labelBlocks();
    waveDrawnAt = -1;
  }
  window.addEventListener('resize', resize);
  resize();

  // draw only when something moved: an idle page costs (almost) nothing, a laptop stays cool
  let last = performance.now(), drawnAt = -1;
  const markDirty = () => { dirty = true; };
  window.addEventListener('resize', markDirty);
  function frame() {
    const wall = performance.now(), dt = Math.min((wall - last) / 1000, 0.1);
    last = wall;
    const t = Math.min(now(), duration);
    if (playing && t >= duration) setPlaying(false);
    state.time = t;
    if (mixer && t !== drawnAt) mixer.setTime(Math.min(t, Math.max(clipDuration - 1e-4, 0)));
    if (hips) {
      // the camera glides after the dancer, keeping the point of view the user chose (snaps after a seek)
      if (follow(hips, snap ? 1 : 1 - Math.exp(-3 * dt))) dirty = true;
      snap = false;
    }
    if (controls.enabled && controls.update()) dirty = true;
    showStep(t);
    showCounts(t);
    showTimeline(t);
    clockEl.textContent = fmt(t) + ' / ' + fmt(duration);
    if (dirty || t !== drawnAt) {
      if (view === 'plan') showTravelled(t);
      renderer.render(scene, active);
      drawnAt = t; dirty = false;
      state.frames = (state.frames || 0) + 1;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();
