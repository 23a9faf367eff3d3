// The image page: a Fashion-MNIST test image, or one drawn on the input canvas, with noise added
// by the wasm module (addNoise) and cleaned by the shipped denoising autoencoder
// (demo/images.aerec). Every change of input, noise or drawing redraws the three views once per
// animation frame. The page works without its model (no reconstruction) and without its samples
// (drawing only), saying why in place.

const SIZE = 28;
const PIXELS = SIZE * SIZE;
const MODEL_PATH = 'demo/images.aerec';
const SAMPLES_PATH = 'demo/fashion-mnist/samples';

const NOISE_MEANING = {
  gaussian: (level) => (level === 0 ? 'No noise.' : `Each pixel moves by random amounts of typically ${level.toFixed(2)}, clipped to black and white.`),
  'salt-pepper': (level) => `${Math.round(level * 100)}% of the pixels turn black or white at random.`,
  masking: (level) => `${Math.round(level * 100)}% of the pixels are blanked out at random.`,
};

const $ = (id) => document.getElementById(id);
const clamp = (v, low, high) => Math.min(high, Math.max(low, v));

async function fetchOk(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${response.statusText}`);
  return response;
}

/** The message of a load error, with an AerecError's code. */
function describe(error) {
  return error?.code ? `${error.message} (${error.code})` : String(error?.message ?? error);
}

/** 10·log10(1 / mean squared error) of `image` against `clean`: Infinity when they are the same. */
export function psnr(clean, image) {
  let sum = 0;
  for (let i = 0; i < clean.length; i++) {
    const d = clean[i] - image[i];
    sum += d * d;
  }
  return sum === 0 ? Infinity : 10 * Math.log10(clean.length / sum);
}

const formatDb = (db) => (Number.isFinite(db) ? `${db.toFixed(1)} dB` : '∞ dB');

/** The samples: { images: Uint8Array of count × 784, labels, indices, names }, or throws. */
async function loadSamples() {
  const [meta, bytes] = await Promise.all([
    fetchOk(`${SAMPLES_PATH}.json`).then((r) => r.json()),
    fetchOk(`${SAMPLES_PATH}.bin`).then((r) => r.arrayBuffer()),
  ]);
  const { count, height, width, labels, indices, label_names: names } = meta ?? {};
  if (height !== SIZE || width !== SIZE || !Array.isArray(labels) || labels.length !== count || !Array.isArray(names)) {
    throw new Error(`${SAMPLES_PATH}.json does not describe ${SIZE}×${SIZE} images with labels`);
  }
  if (bytes.byteLength !== count * PIXELS) {
    throw new Error(`${SAMPLES_PATH}.bin has ${bytes.byteLength} bytes, not ${count} images of ${PIXELS}`);
  }
  return { images: new Uint8Array(bytes), labels, indices: indices ?? labels.map((_, i) => i), names, count };
}

/** The module, then the model: { aerec, model } with either an error in its place. */
async function loadModule() {
  const modelBytes = fetchOk(MODEL_PATH).then((r) => r.arrayBuffer());
  modelBytes.catch(() => {});  // seen below; not an unhandled rejection while the module loads
  let aerec;
  try {
    const { default: createAerec } = await import('./aerec/aerec.js');
    aerec = await createAerec();
  } catch (error) {
    return { moduleError: error };
  }
  try {
    const model = aerec.loadImageModel(await modelBytes);
    if (model.channels !== 1 || model.height !== SIZE || model.width !== SIZE) {
      const shape = `${model.width}×${model.height}×${model.channels}`;
      model.delete();
      throw new Error(`${MODEL_PATH} takes images of ${shape}, not ${SIZE}×${SIZE} grey ones`);
    }
    return { aerec, model, modelBytes: (await modelBytes).byteLength };
  } catch (error) {
    return { aerec, modelError: error };
  }
}

// ---- drawing pixels on canvases ----

/** A CSS colour as [r, g, b], through a 1×1 canvas (the page's colours may be any CSS syntax). */
function rgbOf(colour) {
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
}

class Palette {
  constructor() {
    this.read();
  }

  read() {
    const style = getComputedStyle(document.documentElement);
    const paper = rgbOf(style.getPropertyValue('--img-paper').trim() || '#fff');
    const ink = rgbOf(style.getPropertyValue('--img-ink').trim() || '#000');
    // 256 shades from paper (0) to ink (1), as packed RGBA.
    this.shades = new Uint32Array(256);
    const bytes = new Uint8Array(this.shades.buffer);
    for (let v = 0; v < 256; v++) {
      for (let c = 0; c < 3; c++) bytes[4 * v + c] = Math.round(paper[c] + (ink[c] - paper[c]) * (v / 255));
      bytes[4 * v + 3] = 255;
    }
  }

  /** Draws 784 values (floats in [0, 1], or bytes with `scale` 1) on a 28×28 canvas. */
  draw(canvas, values, scale = 255) {
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(SIZE, SIZE);
    const out = new Uint32Array(image.data.buffer);
    for (let i = 0; i < PIXELS; i++) out[i] = this.shades[clamp(Math.round(values[i] * scale), 0, 255)];
    ctx.putImageData(image, 0, 0);
  }
}

// ---- the page ----

class ImagePage {
  constructor({ samples, samplesError, aerec, model, modelBytes, moduleError, modelError }) {
    this.samples = samples;
    this.aerec = aerec;
    this.model = model;
    this.palette = new Palette();
    this.clean = new Float32Array(PIXELS);
    this.source = null;           // { sample: i } or { drawing: true, from }
    this.seed = 1;
    this.cursor = { x: 14, y: 14 };
    this.inputVersion = 0;
    this.updates = 0;
    this.frame = 0;
    this.stroke = null;
    this.views = { input: $('input-canvas'), noisy: $('noisy-canvas'), recon: $('recon-canvas') };

    this.showProblems({ samplesError, moduleError, modelError });
    if (model) this.describeModel(model, modelBytes);
    if (samples) this.buildGallery();
    this.listen();
    this.readNoise();
    this.placeCursor();
    if (samples) this.pick(0, { focus: false });
    else this.setInput(new Float32Array(PIXELS), { drawing: true });
    this.update();
  }

  // ---- what could not load ----

  showProblems({ samplesError, moduleError, modelError }) {
    const lines = [];
    if (moduleError) lines.push(`The WebAssembly module did not load: ${describe(moduleError)}. Noise and denoising need it; you can still look at and draw images.`);
    if (modelError) lines.push(`The image model (${MODEL_PATH}) did not load: ${describe(modelError)}. Noise still works; there is no reconstruction.`);
    if (samplesError) {
      $('gallery-message').textContent = `The sample images did not load: ${describe(samplesError)}. You can still draw an image.`;
      $('gallery-message').hidden = false;
      $('class-filter').hidden = true;
      $('gallery-keys').hidden = true;
    }
    if (moduleError || modelError) {
      $('model-message').classList.add('error');
      $('model-message').textContent = moduleError ? 'No WebAssembly module: no reconstruction.' : 'No model: no reconstruction.';
      $('recon-canvas').setAttribute('aria-label', 'No reconstruction: the model did not load');
      $('load-error-message').textContent = lines.join(' ');
      $('load-error-hint').textContent = location.protocol === 'file:'
        ? 'Open the page through a web server, for example: node web/serve.mjs'
        : 'Reload the page to try again; if it keeps failing, the demo files on the site are missing or damaged.';
      $('load-error').hidden = false;
      document.body.dataset.model = 'error';
    } else {
      $('model-message').hidden = true;
      document.body.dataset.model = 'loaded';
    }
    if (moduleError) {
      for (const id of ['noise-level', 'noise-kind', 'new-noise']) $(id).disabled = true;
    }
  }

  /** The caption under the controls, from the model's metadata. */
  describeModel(model, bytes) {
    const meta = model.metadata() ?? {};
    const figures = meta.metrics && typeof meta.metrics === 'object' ? { ...meta.metrics, ...meta } : meta;
    const config = figures.config ?? {};
    const number = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const noisy = number(figures.test_psnr_noisy);
    const denoised = number(figures.test_psnr_denoised) ?? number(figures.test_psnr);
    // The configuration's keys are the CLI's option names.
    const gaussian = number(config['input-noise'] ?? config.input_noise);
    const salt = number(config['salt-pepper'] ?? config.salt_pepper);
    const noises = [gaussian ? `Gaussian noise of ${gaussian}` : '', salt ? `salt-and-pepper noise on ${Math.round(salt * 100)}% of the pixels` : ''].filter(Boolean);
    const kind = config.conv ? 'convolutional autoencoder' : 'autoencoder';
    const parts = [];
    const preset = typeof figures.preset === 'string' && figures.preset ? ` <strong>${escapeHtml(figures.preset)}</strong>` : '';
    const trained = number(figures.train_images);
    parts.push(`Model:${preset} ${kind}, 28×28 pixels to a code of ${model.codeSize.toLocaleString('en')} numbers${trained ? `, trained on ${trained.toLocaleString('en')} Fashion-MNIST images` : ''}${noises.length ? ` with ${noises.join(' and ')}` : ''}.`);
    if (noisy !== null && denoised !== null) {
      const tested = number(figures.test_images);
      parts.push(`On ${tested ? `the ${tested.toLocaleString('en')}` : 'the'} test images, its inputs with that noise score <strong>${noisy.toFixed(1)} dB</strong> and its reconstructions <strong>${denoised.toFixed(1)} dB</strong> PSNR.`);
    } else if (denoised !== null) {
      parts.push(`Test PSNR of its reconstructions: <strong>${denoised.toFixed(1)} dB</strong>.`);
    }
    $('model-info').innerHTML = parts.join(' ');
    const params = number(figures.parameters);
    $('model-summary').textContent = `Model: ${MODEL_PATH}, ${(bytes / 1e3).toFixed(0)} kB${params ? `, ${params.toLocaleString('en')} parameters` : ''}.`;
    const info = $('model-info').dataset;
    info.preset = figures.preset ?? '';
    if (noisy !== null) info.testPsnrNoisy = String(noisy);
    if (denoised !== null) info.testPsnrDenoised = String(denoised);
  }

  // ---- the gallery ----

  buildGallery() {
    const { count, labels, indices, names, images } = this.samples;
    const thumbs = [];
    for (let i = 0; i < count; i++) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'thumb';
      button.setAttribute('role', 'radio');
      button.setAttribute('aria-checked', 'false');
      button.setAttribute('aria-label', `${names[labels[i]]}, test image ${indices[i]}`);
      button.title = `${names[labels[i]]} (test image ${indices[i]})`;
      button.tabIndex = -1;
      button.dataset.index = String(i);
      button.dataset.label = String(labels[i]);
      const canvas = document.createElement('canvas');
      canvas.width = SIZE;
      canvas.height = SIZE;
      canvas.setAttribute('aria-hidden', 'true');
      button.append(canvas);
      thumbs.push(button);
    }
    this.thumbs = thumbs;
    this.drawThumbs();
    $('gallery').replaceChildren(...thumbs);
    $('gallery-count').textContent = String(count);

    const chip = (text, value) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'class-chip';
      button.textContent = text;
      button.dataset.label = String(value);
      button.setAttribute('aria-pressed', String(value === -1));
      return button;
    };
    $('class-filter').replaceChildren(chip('All', -1), ...names.map((name, label) => chip(name, label)));
    this.filter = -1;
  }

  drawThumbs() {
    if (!this.thumbs) return;
    const { images } = this.samples;
    this.thumbs.forEach((button, i) => this.palette.draw(button.firstChild, images.subarray(i * PIXELS, (i + 1) * PIXELS), 1));
  }

  visibleThumbs() {
    return this.thumbs.filter((button) => !button.hidden);
  }

  setFilter(label) {
    this.filter = label;
    for (const chip of $('class-filter').children) chip.setAttribute('aria-pressed', String(Number(chip.dataset.label) === label));
    for (const button of this.thumbs) button.hidden = label >= 0 && Number(button.dataset.label) !== label;
    $('gallery-count').textContent = String(this.visibleThumbs().length);
    // The first image of the class, unless the one shown is of it (or is a drawing).
    const shown = this.source?.sample;
    if (label >= 0 && shown !== undefined && this.samples.labels[shown] !== label) {
      this.pick(Number(this.visibleThumbs()[0].dataset.index), { focus: false });
    } else {
      this.syncTabStop();
    }
  }

  /** One thumbnail takes Tab: the picked one when shown, else the first shown. */
  syncTabStop() {
    const visible = this.visibleThumbs();
    const picked = this.source?.sample !== undefined ? this.thumbs[this.source.sample] : null;
    const stop = picked && !picked.hidden ? picked : visible[0];
    for (const button of this.thumbs) button.tabIndex = button === stop ? 0 : -1;
  }

  /** Shows sample `i` as the input. */
  pick(i, { focus = true } = {}) {
    const { images, labels, indices, names } = this.samples;
    const pixels = new Float32Array(PIXELS);
    const bytes = images.subarray(i * PIXELS, (i + 1) * PIXELS);
    for (let p = 0; p < PIXELS; p++) pixels[p] = bytes[p] / 255;
    this.setInput(pixels, { sample: i });
    for (const button of this.thumbs) button.setAttribute('aria-checked', String(button === this.thumbs[i]));
    this.syncTabStop();
    if (focus) this.thumbs[i].focus();
    else scrollWithin($('gallery'), this.thumbs[i]);
    $('input-name').innerHTML = `<strong>${escapeHtml(names[labels[i]])}</strong> · test image ${indices[i]}`;
  }

  /** Arrows, Home and End in the gallery: a radio group laid out as a grid. */
  onGalleryKey(event) {
    const button = event.target.closest('.thumb');
    if (!button) return;
    const visible = this.visibleThumbs();
    const at = visible.indexOf(button);
    const columns = Math.max(1, visible.filter((b) => b.offsetTop === visible[0].offsetTop).length);
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns, Home: -Infinity, End: Infinity, PageUp: -4 * columns, PageDown: 4 * columns };
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const to = clamp(at + moves[event.key], 0, visible.length - 1);
    if (to !== at || this.source?.sample === undefined) this.pick(Number(visible[to].dataset.index));
  }

  // ---- input: samples and drawing ----

  setInput(pixels, source) {
    this.clean = pixels;
    this.source = source;
    this.inputChanged();
  }

  inputChanged() {
    this.inputVersion++;
    this.schedule();
  }

  /** The first stroke on a sample turns it into a drawing. */
  startDrawing() {
    if (this.source?.drawing) return;
    const from = this.source?.sample;
    this.source = { drawing: true, from };
    if (this.thumbs) {
      for (const button of this.thumbs) button.setAttribute('aria-checked', 'false');
      this.syncTabStop();
    }
    const base = from === undefined ? '' : ` over ${escapeHtml(this.samples.names[this.samples.labels[from]].toLowerCase())} ${this.samples.indices[from]}`;
    $('input-name').innerHTML = `<strong>Your drawing</strong>${base}`;
  }

  brushRadius(pressure) {
    const radius = Number($('brush-size').value);
    return pressure === undefined ? radius : radius * (0.55 + 0.9 * clamp(pressure, 0, 1));
  }

  /** Paints (or with the eraser, clears) a soft round dab centred at (x, y), in pixels. */
  stamp(x, y, radius) {
    const erase = $('eraser').getAttribute('aria-pressed') === 'true';
    const reach = Math.ceil(radius + 1);
    for (let row = Math.max(0, Math.floor(y) - reach); row <= Math.min(SIZE - 1, Math.floor(y) + reach); row++) {
      for (let col = Math.max(0, Math.floor(x) - reach); col <= Math.min(SIZE - 1, Math.floor(x) + reach); col++) {
        const d = Math.hypot(col + 0.5 - x, row + 0.5 - y);
        const amount = clamp(radius + 0.5 - d, 0, 1);
        if (amount === 0) continue;
        const i = row * SIZE + col;
        this.clean[i] = erase ? Math.min(this.clean[i], 1 - amount) : Math.max(this.clean[i], amount);
      }
    }
  }

  /** Dabs along the segment from `a` to `b`, a quarter pixel apart. */
  line(a, b, radius) {
    const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) * 4));
    for (let s = 1; s <= steps; s++) this.stamp(a.x + ((b.x - a.x) * s) / steps, a.y + ((b.y - a.y) * s) / steps, radius);
  }

  pointerPlace(event) {
    const box = this.views.input.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * SIZE, y: ((event.clientY - box.top) / box.height) * SIZE };
  }

  pressureOf(event) {
    return event.pointerType === 'pen' && event.pressure > 0 ? event.pressure : undefined;
  }

  onPointerDown(event) {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    if (this.stroke) return;
    event.preventDefault();
    this.views.input.setPointerCapture(event.pointerId);
    const at = this.pointerPlace(event);
    this.stroke = { id: event.pointerId, last: at };
    this.startDrawing();
    this.stamp(at.x, at.y, this.brushRadius(this.pressureOf(event)));
    this.inputChanged();
  }

  onPointerMove(event) {
    if (!this.stroke || event.pointerId !== this.stroke.id) return;
    const events = event.getCoalescedEvents?.() ?? [];
    for (const e of events.length ? events : [event]) {
      const at = this.pointerPlace(e);
      this.line(this.stroke.last, at, this.brushRadius(this.pressureOf(e)));
      this.stroke.last = at;
    }
    this.inputChanged();
  }

  onPointerEnd(event) {
    if (this.stroke && event.pointerId === this.stroke.id) this.stroke = null;
  }

  /** The keyboard's brush: arrows move it, Space paints, Shift+arrow paints along. */
  onCanvasKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const centre = () => ({ x: this.cursor.x + 0.5, y: this.cursor.y + 0.5 });
    if (event.key in moves) {
      event.preventDefault();
      const from = centre();
      const [dx, dy] = moves[event.key];
      this.cursor = { x: clamp(this.cursor.x + dx, 0, SIZE - 1), y: clamp(this.cursor.y + dy, 0, SIZE - 1) };
      this.placeCursor();
      if (event.shiftKey) {
        this.startDrawing();
        this.line(from, centre(), this.brushRadius());
        this.inputChanged();
      }
    } else if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault();
      this.startDrawing();
      const { x, y } = centre();
      this.stamp(x, y, this.brushRadius());
      this.inputChanged();
    }
  }

  placeCursor() {
    const cursor = $('draw-cursor');
    const diameter = (2 * this.brushRadius() + 1) / SIZE;
    Object.assign(cursor.style, {
      left: `${((this.cursor.x + 0.5) / SIZE) * 100}%`,
      top: `${((this.cursor.y + 0.5) / SIZE) * 100}%`,
      width: `${diameter * 100}%`,
      height: `${diameter * 100}%`,
    });
  }

  clearDrawing() {
    this.clean = new Float32Array(PIXELS);
    this.source = null;
    this.startDrawing();
    $('input-name').innerHTML = '<strong>Your drawing</strong> · draw on the input';
    this.inputChanged();
    $('live-status').textContent = 'The input is cleared: draw on it.';
  }

  // ---- noise ----

  readNoise() {
    const level = Number($('noise-level').value);
    const kind = $('noise-kind').value;
    this.noise = { kind, level };
    $('noise-value').textContent = level.toFixed(2);
    $('noise-meaning').textContent = NOISE_MEANING[kind](level);
    this.schedule();
  }

  // ---- the views ----

  /** One update per animation frame, however many events came in it. */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.update();
    });
  }

  update() {
    const { clean, views } = this;
    this.palette.draw(views.input, clean);
    views.input.dataset.version = String(this.inputVersion);
    views.input.dataset.ink = sumOf(clean).toFixed(3);
    if (!this.aerec) {
      this.palette.draw(views.noisy, clean);
      return;
    }
    const noisy = this.aerec.addNoise(clean, { kind: this.noise.kind, level: this.noise.level, seed: this.seed });
    this.palette.draw(views.noisy, noisy);
    const noisyDb = psnr(clean, noisy);
    views.noisy.dataset.psnr = String(noisyDb);
    $('noisy-psnr').textContent = `PSNR ${formatDb(noisyDb)}`;
    if (!this.model) return;
    let recon;
    try {
      recon = this.model.reconstruct(noisy);
    } catch (error) {
      $('model-message').textContent = `The model could not reconstruct this image: ${describe(error)}`;
      $('model-message').classList.add('error');
      $('model-message').hidden = false;
      return;
    }
    this.palette.draw(views.recon, recon);
    const reconDb = psnr(clean, recon);
    const gain = reconDb - noisyDb;
    const figure = document.createElement('span');
    figure.className = 'figure';
    figure.textContent = `PSNR ${formatDb(reconDb)}`;
    $('recon-psnr').replaceChildren(figure);
    if (Number.isFinite(gain)) {
      const pill = document.createElement('span');
      pill.className = 'pill predicted gain';
      pill.textContent = `${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(1)} dB`;
      pill.title = 'The reconstruction\'s PSNR less the noisy input\'s';
      $('recon-psnr').append(pill);
    }
    Object.assign(views.recon.dataset, { psnr: String(reconDb), noisyPsnr: String(noisyDb), updated: String(++this.updates) });
  }

  /** Says the figures to screen readers once the slider or the kind settles. */
  announce() {
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      const { psnr: recon, noisyPsnr: noisy } = this.views.recon.dataset;
      if (recon === undefined) return;
      $('live-status').textContent = `Noise ${this.noise.level.toFixed(2)}: PSNR ${formatDb(Number(noisy))} with noise, ${formatDb(Number(recon))} denoised.`;
    }, 600);
  }

  listen() {
    $('noise-level').addEventListener('input', () => {
      this.readNoise();
      this.announce();
    });
    $('noise-kind').addEventListener('change', () => {
      this.readNoise();
      this.announce();
    });
    $('new-noise').addEventListener('click', () => {
      this.seed++;
      this.schedule();
      this.announce();
    });
    $('brush-size').addEventListener('change', () => this.placeCursor());
    $('eraser').addEventListener('click', (event) => {
      const on = event.currentTarget.getAttribute('aria-pressed') !== 'true';
      event.currentTarget.setAttribute('aria-pressed', String(on));
    });
    $('clear').addEventListener('click', () => this.clearDrawing());

    const input = this.views.input;
    input.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    input.addEventListener('pointermove', (event) => this.onPointerMove(event));
    input.addEventListener('pointerup', (event) => this.onPointerEnd(event));
    input.addEventListener('pointercancel', (event) => this.onPointerEnd(event));
    input.addEventListener('lostpointercapture', (event) => this.onPointerEnd(event));
    input.addEventListener('keydown', (event) => this.onCanvasKey(event));

    if (this.thumbs) {
      $('gallery').addEventListener('click', (event) => {
        const button = event.target.closest('.thumb');
        if (button) this.pick(Number(button.dataset.index));
      });
      $('gallery').addEventListener('keydown', (event) => this.onGalleryKey(event));
      $('class-filter').addEventListener('click', (event) => {
        const chip = event.target.closest('.class-chip');
        if (chip) this.setFilter(Number(chip.dataset.label));
      });
    }
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.palette.read();
      this.drawThumbs();
      this.update();
    });
  }
}

/** Scrolls `box` (not the page) so that `child` is in view: `box` is its offsetParent. */
function scrollWithin(box, child) {
  const top = child.offsetTop;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + child.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = top + child.offsetHeight - box.clientHeight;
}

function sumOf(values) {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fillCodeShape(model) {
  if (!model) return;
  for (const element of document.querySelectorAll('[data-fill="code-shape"]')) {
    element.textContent = ` (here ${model.codeSize.toLocaleString('en')} numbers in all)`;
  }
}

const [samples, loaded] = await Promise.all([
  loadSamples().then((s) => ({ samples: s }), (error) => ({ samplesError: error })),
  loadModule(),
]);
try {
  new ImagePage({ ...samples, ...loaded });
  fillCodeShape(loaded.model);
} catch (error) {
  $('load-error-message').textContent = `The page could not start: ${describe(error)}`;
  $('load-error').hidden = false;
}
document.body.dataset.ready = 'true';
