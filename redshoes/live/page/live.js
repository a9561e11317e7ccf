// Red Shoes live: the ballerina dances the frames the server sends over a WebSocket, as the music plays.
(function () {
  'use strict';
  const T = RedShoesThree;
  const $ = (id) => document.getElementById(id);
  const hasAudio = JSON.parse($('redshoes-audio').textContent);
  const state = { ready: false, connected: false, frames: 0, step: '', status: 'connecting', ended: false, errors: [] };
  window.redshoes = state;

  // ---- the theatre and the dancer (stage.js) ---------------------------------------------------------
  const [stageW, stageD] = JSON.parse($('redshoes-stage').textContent);
  const theatre = RedShoesStage.build($('stage'), stageW, stageD, false);
  const { renderer, scene, camera, controls } = theatre;
  function resize() {
    renderer.setSize(window.innerWidth, window.innerHeight, false);
    camera.aspect = window.innerWidth / window.innerHeight;
    camera.updateProjectionMatrix();
  }
  window.addEventListener('resize', resize);
  resize();

  let bones = [], hips = null, jointNames = null, byName = {};
  RedShoesStage.loadDancer(scene, 'redshoes-glb', (gltf, named) => {
    byName = named;
    bindBones();
    state.ready = true;
  }, (err) => { state.errors.push(err); });
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
      // a step whose counts moved onto the beats as heard comes again: the newer times replace the older
      const same = steps.findIndex((s) => s.bar === msg.bar && s.count === msg.count);
      if (same >= 0) steps.splice(same, 1);
      steps.push(msg);
      steps.sort((a, b) => a.start - b.start);
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

  const follow = RedShoesStage.follower(theatre);
  function frame() {
    const t = audio ? audio.currentTime : clock();
    state.time = t;
    const i = t * fps, i0 = Math.floor(i);
    const a = frames.get(i0);
    if (a) pose(a, frames.get(i0 + 1), i - i0);
    else if (finalPose && t >= endTime - 0.2) pose(finalPose, null, 0);
    showStep(t);
    if (hips) follow(hips, 0.05);
    controls.update();
    renderer.render(scene, camera);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();
