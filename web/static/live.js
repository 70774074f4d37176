// Phát trực tiếp: the microphone, recorded as WebM/Opus in 100 ms pieces, sent over a WebSocket as it comes.
// The station decodes it and airs it in the chosen villages; this page only records, sends and shows state.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const start = $("live-start"), stop = $("live-stop"), status = $("live-status"), level = $("live-level");
  const all = $("live-all");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const TIMESLICE_MS = 100; // a smaller piece means less delay; 100 ms keeps the overhead of each message small
  let socket = null, recorder = null, stream = null, meter = null;
  let sending = Promise.resolve(); // pieces go out in order, and "stop" after the last of them
  const send = (make) => { sending = sending.then(async () => { const data = await make(); if (socket && socket.readyState === WebSocket.OPEN) socket.send(data); }); };

  const say = (text, error = false) => { status.textContent = text; status.className = error ? "error" : "muted"; };
  const chosen = () => [...document.querySelectorAll(".live-zone:checked")].map((box) => box.value);
  if (all) all.addEventListener("change", () => document.querySelectorAll(".live-zone").forEach((box) => { box.checked = all.checked; }));

  function release() {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (meter) meter.close();
    recorder = stream = meter = null;
    level.value = 0;
    start.disabled = false;
    stop.disabled = true;
  }

  function showLevel(media) {
    meter = new AudioContext();
    const analyser = meter.createAnalyser();
    meter.createMediaStreamSource(media).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const tick = () => {
      if (!meter) return;
      analyser.getFloatTimeDomainData(data);
      level.value = Math.min(1, Math.sqrt(data.reduce((sum, x) => sum + x * x, 0) / data.length) * 4);
      requestAnimationFrame(tick);
    };
    tick();
  }

  start.addEventListener("click", async () => {
    const zones = chosen();
    if (!zones.length) { say("Hãy chọn ít nhất một thôn, xóm để phát trực tiếp.", true); return; }
    if (!window.MediaRecorder || !MediaRecorder.isTypeSupported("audio/webm;codecs=opus")) {
      say("Trình duyệt này không ghi được âm thanh WebM/Opus; hãy dùng Chrome, Edge hoặc Firefox.", true);
      return;
    }
    start.disabled = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      say("Không mở được micrô: " + error.message, true);
      release();
      return;
    }
    showLevel(stream);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/live/ws`);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => socket.send(JSON.stringify({ type: "start", zones, csrf_token: csrf }));
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "on_air") {
        say("Đang phát trực tiếp tới: " + message.villages.join(", ") + ".");
        recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus", audioBitsPerSecond: 32000 });
        recorder.ondataavailable = (piece) => { if (piece.data.size) send(() => piece.data.arrayBuffer()); };
        recorder.start(TIMESLICE_MS);
        stop.disabled = false;
      } else if (message.type === "refused") {
        say(message.message, true);
      } else if (message.type === "ended") {
        say(`Đã kết thúc phát trực tiếp (${message.seconds} giây, đã ghi lại).`);
      }
    };
    socket.onclose = () => {
      if (recorder) say("Mất kết nối với đài; buổi phát trực tiếp đã kết thúc.", true);
      socket = null;
      release();
    };
  });

  stop.addEventListener("click", () => {
    stop.disabled = true;
    if (!recorder) return;
    const last = recorder;
    recorder = null; // a close after this is the expected end, not a lost connection
    last.onstop = () => send(() => JSON.stringify({ type: "stop" }));
    last.stop(); // hands over the last piece first
    say("Đang kết thúc…");
  });
})();
