// The taste map panel: every movie of demo/taste-map.json (`aerec map --web`: t-SNE of the
// ranking model's codes) as a dot on a canvas, coloured by genre, with zoom and pan by mouse,
// touch and keyboard; the visitor's dot, which the page places through the map's placer; their
// rated and recommended movies drawn over the rest. No model calls here: app.js hands over places.

/** Categorical colours, most distinct first (the map lists its genres largest first). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#2ca7c9', '#8cd17d', '#d37295', '#a0cbe8', '#f1ce63', '#86bcb6', '#b6992d', '#d4a6c8', '#79706e'];

const MAX_ZOOM = 60;
const PADDING = 18;           // CSS px around the points at the fitted view
const HIT_PX = { mouse: 10, touch: 22, pen: 12 };
const DRAG_PX = 5;            // a press that moves less than this is a click
const LABELLED = 3;           // recommendations named on the map

/** The map's points joined to the catalogue; movies the catalogue lacks are left out. */
export function mapPoints(json, catalog) {
  const { ids, x, y, group, groups } = json ?? {};
  if (![ids, x, y, group, groups].every(Array.isArray) || ids.length !== x.length || ids.length !== y.length) {
    throw new Error('demo/taste-map.json is not a map of `aerec map --web`');
  }
  const points = [];
  ids.forEach((id, i) => {
    const movie = catalog.byId.get(id);
    if (movie) points.push({ movie, x: x[i], y: y[i], group: group[i] });
  });
  return { points, groups };
}

const clamp = (v, low, high) => Math.min(high, Math.max(low, v));

export class TasteMapView {
  /**
   * `elements`: frame (focusable, holds canvas, you and tip), canvas, you, tip, legend, status;
   * `onSelect(movie)` opens a movie to rate.
   */
  constructor({ points, groups }, elements, onSelect) {
    Object.assign(this, elements);
    this.points = points;
    this.groups = groups;
    this.onSelect = onSelect;
    this.byId = new Map(points.map((p) => [p.movie.id, p]));
    this.rated = new Map();
    this.recommended = [];
    this.you = null;
    this.focused = null;
    this.genre = -1;
    this.zoom = 1;
    this.pointers = new Map();
    this.bounds = boundsOf(points);
    this.frame.dataset.points = String(points.length);
    this.renderLegend();
    this.listen();
    new ResizeObserver(() => this.resize()).observe(this.frame);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.draw());
  }

  /** `you`: {x, y} or null; `rated`: Map of movie id to stars; `recommended`: ids, best first. */
  update({ you, rated, recommended }) {
    this.you = you;
    this.rated = rated;
    this.recommended = recommended.filter((id) => this.byId.has(id));
    this.frame.dataset.recommended = String(this.recommended.length);
    this.draw();
  }

  // ---- view: map units to CSS pixels, y up ----

  resize() {
    const [width, height] = [this.frame.clientWidth, this.frame.clientHeight];
    if (width === 0 || height === 0) return;
    const centre = this.size ? this.toMap(this.size.width / 2, this.size.height / 2) : null;
    this.size = { width, height };
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const b = this.bounds;
    this.fitScale = Math.min((width - 2 * PADDING) / (b.maxX - b.minX || 1), (height - 2 * PADDING) / (b.maxY - b.minY || 1));
    this.centreOn(centre ?? { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 });
  }

  centreOn({ x, y }) {
    this.scale = this.fitScale * this.zoom;
    this.originX = this.size.width / 2 - x * this.scale;
    this.originY = this.size.height / 2 + y * this.scale;
    this.draw();
  }

  toScreen(p) {
    return { sx: this.originX + p.x * this.scale, sy: this.originY - p.y * this.scale };
  }

  toMap(sx, sy) {
    return { x: (sx - this.originX) / this.scale, y: (this.originY - sy) / this.scale };
  }

  /** Zooms by `factor` keeping the map point under (sx, sy) where it is. */
  zoomAt(factor, sx, sy) {
    const anchor = this.toMap(sx, sy);
    this.zoom = clamp(this.zoom * factor, 1, MAX_ZOOM);
    this.scale = this.fitScale * this.zoom;
    this.originX = sx - anchor.x * this.scale;
    this.originY = sy + anchor.y * this.scale;
    this.draw();
  }

  panBy(dx, dy) {
    this.originX += dx;
    this.originY += dy;
    this.draw();
  }

  reset() {
    this.zoom = 1;
    const b = this.bounds;
    this.centreOn({ x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 });
  }

  /** The panel's buttons, and the keys + − 0: 'in', 'out' or 'reset'. */
  zoomButton(which) {
    const at = this.focused && which === 'in' ? this.toScreen(this.focused) : { sx: this.size.width / 2, sy: this.size.height / 2 };
    if (which === 'reset') this.reset();
    else this.zoomAt(which === 'in' ? 1.5 : 1 / 1.5, at.sx, at.sy);
  }

  // ---- drawing ----

  draw() {
    if (!this.size) return;
    const ctx = this.canvas.getContext('2d');
    const ratio = this.canvas.width / this.size.width;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.size.width, this.size.height);
    const style = getComputedStyle(this.frame);
    const colours = Object.fromEntries(['text', 'accent', 'star', 'surface'].map((name) => [name, style.getPropertyValue(`--${name}`)]));
    const radius = clamp(2 * Math.sqrt(this.zoom), 2, 5);
    this.drawDots(ctx, radius);
    this.drawRecommended(ctx, radius, colours);
    this.drawRated(ctx, radius, colours);
    this.drawLabels(ctx, colours);
    if (this.focused) this.ring(ctx, this.focused, radius + 5, colours.text, 2);
    this.placeYou();
    this.placeTip();
    Object.assign(this.frame.dataset, { zoom: this.zoom.toFixed(3), scale: this.scale.toFixed(4), originX: this.originX.toFixed(2), originY: this.originY.toFixed(2) });
  }

  /** One path per genre; the rest fade while the visitor's movies or a genre are shown. */
  drawDots(ctx, radius) {
    const quiet = this.genre >= 0 || this.recommended.length > 0;
    this.groups.forEach((_, g) => {
      ctx.globalAlpha = this.genre >= 0 ? (g === this.genre ? 0.95 : 0.12) : quiet ? 0.6 : 0.85;
      ctx.fillStyle = colourOf(g);
      ctx.beginPath();
      for (const p of this.points) {
        if (p.group !== g) continue;
        const { sx, sy } = this.toScreen(p);
        if (sx < -radius || sy < -radius || sx > this.size.width + radius || sy > this.size.height + radius) continue;
        ctx.moveTo(sx + radius, sy);
        ctx.arc(sx, sy, radius, 0, 2 * Math.PI);
      }
      ctx.fill();
    });
    ctx.globalAlpha = 1;
  }

  drawRated(ctx, radius, colours) {
    for (const id of this.rated.keys()) {
      const p = this.byId.get(id);
      if (p) this.dot(ctx, p, radius + 2, colourOf(p.group), colours.star, 2.5);
    }
  }

  drawRecommended(ctx, radius, colours) {
    [...this.recommended].reverse().forEach((id) => {
      const p = this.byId.get(id);
      this.dot(ctx, p, radius + 2.5, colourOf(p.group), colours.accent, 2.5);
    });
  }

  /** The best few recommendations named, right or left of their dots, where no other label is. */
  drawLabels(ctx, colours) {
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const taken = [];
    if (this.you) {
      const { sx, sy } = this.toScreen(this.you);
      taken.push({ left: sx - 14, right: sx + 60, top: sy - 14, bottom: sy + 14 });
    }
    this.recommended.slice(0, LABELLED).forEach((id, i) => {
      const p = this.byId.get(id);
      const { sx, sy } = this.toScreen(p);
      const text = `${i + 1}. ${shortTitle(p.movie)}`;
      const width = ctx.measureText(text).width;
      const spot = [[sx + 9, sy], [sx - 9 - width, sy], [sx - width / 2, sy - 16], [sx - width / 2, sy + 16]]
        .map(([left, y]) => ({ left, right: left + width, top: y - 8, bottom: y + 8, y }))
        .find((r) => r.left >= 2 && r.right <= this.size.width - 2 && !taken.some((t) => overlaps(r, t)));
      if (!spot) return;
      taken.push(spot);
      ctx.lineWidth = 4;
      ctx.strokeStyle = colours.surface;
      ctx.strokeText(text, spot.left, spot.y);
      ctx.fillStyle = colours.text;
      ctx.fillText(text, spot.left, spot.y);
    });
  }

  dot(ctx, p, radius, fill, stroke, width) {
    const { sx, sy } = this.toScreen(p);
    ctx.beginPath();
    ctx.arc(sx, sy, radius, 0, 2 * Math.PI);
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.lineWidth = width;
    ctx.strokeStyle = stroke;
    ctx.stroke();
  }

  ring(ctx, p, radius, stroke, width) {
    const { sx, sy } = this.toScreen(p);
    ctx.beginPath();
    ctx.arc(sx, sy, radius, 0, 2 * Math.PI);
    ctx.lineWidth = width;
    ctx.strokeStyle = stroke;
    ctx.stroke();
  }

  placeYou() {
    this.youDot.hidden = !this.you;
    if (!this.you) {
      delete this.youDot.dataset.x;
      delete this.youDot.dataset.y;
      return;
    }
    const { sx, sy } = this.toScreen(this.you);
    this.youDot.style.transform = `translate(${sx.toFixed(1)}px, ${sy.toFixed(1)}px)`;
    this.youDot.dataset.x = this.you.x.toFixed(3);
    this.youDot.dataset.y = this.you.y.toFixed(3);
  }

  /** A movie's title, and what the map says of it: rated, recommended, else its genres. */
  describe(p) {
    const rank = this.recommended.indexOf(p.movie.id);
    const stars = this.rated.get(p.movie.id);
    return {
      title: p.movie.year ? `${p.movie.title} (${p.movie.year})` : p.movie.title,
      detail: stars ? `You rated it ${stars} ★` : rank >= 0 ? `Recommended #${rank + 1}` : p.movie.genres.join(' · '),
    };
  }

  placeTip() {
    const p = this.focused;
    this.tip.hidden = !p;
    if (!p) return;
    const { sx, sy } = this.toScreen(p);
    const { title, detail } = this.describe(p);
    this.tip.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: title }),
      Object.assign(document.createElement('span'), { textContent: detail }));
    // Above the dot, inside the frame.
    const width = this.tip.offsetWidth;
    const left = clamp(sx - width / 2, 4, this.size.width - width - 4);
    const top = sy - this.tip.offsetHeight - 12 < 4 ? sy + 12 : sy - this.tip.offsetHeight - 12;
    this.tip.style.transform = `translate(${left.toFixed(1)}px, ${top.toFixed(1)}px)`;
  }

  // ---- finding and focusing movies ----

  /** The point nearest (sx, sy) within `reach` CSS px, or null. */
  pointAt(sx, sy, reach) {
    let best = null;
    let bestDistance = reach * reach;
    for (const p of this.points) {
      const s = this.toScreen(p);
      const d = (s.sx - sx) ** 2 + (s.sy - sy) ** 2;
      if (d < bestDistance) {
        best = p;
        bestDistance = d;
      }
    }
    return best;
  }

  /** The nearest point from the focused one (or the centre) within 60° of (dx, dy), on screen. */
  pointToward(dx, dy) {
    const from = this.focused ? this.toScreen(this.focused) : { sx: this.size.width / 2, sy: this.size.height / 2 };
    let best = null;
    let bestCost = Infinity;
    for (const p of this.points) {
      if (p === this.focused) continue;
      const s = this.toScreen(p);
      const along = (s.sx - from.sx) * dx + (s.sy - from.sy) * dy;
      const across = Math.abs((s.sx - from.sx) * dy - (s.sy - from.sy) * dx);
      if (along <= 0 || across > along * Math.sqrt(3)) continue;
      const cost = along + 2 * across;
      if (cost < bestCost) {
        best = p;
        bestCost = cost;
      }
    }
    return best;
  }

  focus(p, announce = true) {
    this.focused = p;
    if (p) this.frame.dataset.movieId = String(p.movie.id);
    else delete this.frame.dataset.movieId;
    // A movie reached by keyboard off screen brings the view to it.
    if (p && !this.onScreen(p)) this.centreOn(p);
    else this.draw();
    if (announce && p) this.announce(p);
  }

  onScreen(p) {
    const { sx, sy } = this.toScreen(p);
    return sx >= PADDING && sy >= PADDING && sx <= this.size.width - PADDING && sy <= this.size.height - PADDING;
  }

  announce(p) {
    const { title, detail } = this.describe(p);
    this.status.textContent = `${title}: ${detail}. Enter opens it; 1 to 5 rates it.`;
  }

  // ---- input ----

  listen() {
    this.canvas.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.onPointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.onPointerUp(e));
    this.canvas.addEventListener('pointercancel', (e) => this.pointers.delete(e.pointerId));
    this.canvas.addEventListener('pointerleave', (e) => {
      if (e.pointerType === 'mouse' && this.pointers.size === 0 && this.focused && !this.keyboard) this.focus(null);
    });
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), e.offsetX, e.offsetY);
    }, { passive: false });
    this.canvas.addEventListener('dblclick', (e) => this.zoomAt(2, e.offsetX, e.offsetY));
    this.frame.addEventListener('keydown', (e) => this.onKey(e));
    this.frame.addEventListener('blur', () => {
      this.keyboard = false;
    });
  }

  onPointerDown(e) {
    this.canvas.setPointerCapture(e.pointerId);
    this.pointers.set(e.pointerId, { x: e.offsetX, y: e.offsetY, startX: e.offsetX, startY: e.offsetY });
    this.dragged = this.pointers.size > 1;
  }

  onPointerMove(e) {
    const pointer = this.pointers.get(e.pointerId);
    if (!pointer) {
      if (e.pointerType === 'mouse') this.hover(e);
      return;
    }
    if (this.pointers.size === 2) {
      const [a, b] = [...this.pointers.values()];
      const before = Math.hypot(a.x - b.x, a.y - b.y);
      Object.assign(pointer, { x: e.offsetX, y: e.offsetY });
      const after = Math.hypot(a.x - b.x, a.y - b.y);
      if (before > 0) this.zoomAt(after / before, (a.x + b.x) / 2, (a.y + b.y) / 2);
      return;
    }
    if (Math.hypot(e.offsetX - pointer.startX, e.offsetY - pointer.startY) > DRAG_PX) this.dragged = true;
    if (this.dragged) this.panBy(e.offsetX - pointer.x, e.offsetY - pointer.y);
    Object.assign(pointer, { x: e.offsetX, y: e.offsetY });
  }

  onPointerUp(e) {
    if (!this.pointers.delete(e.pointerId) || this.dragged) return;
    this.keyboard = false;
    const p = this.pointAt(e.offsetX, e.offsetY, HIT_PX[e.pointerType] ?? HIT_PX.mouse);
    this.focus(p, false);
    if (p) this.onSelect(p.movie);
  }

  hover(e) {
    const p = this.pointAt(e.offsetX, e.offsetY, HIT_PX.mouse);
    this.canvas.style.cursor = p ? 'pointer' : 'grab';
    if (p !== this.focused && (p || !this.keyboard)) {
      this.keyboard = false;
      this.focus(p, false);
    }
  }

  onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const zooms = { '+': 'in', '=': 'in', '-': 'out', '0': 'reset' };
    if (arrows[e.key]) {
      this.keyboard = true;
      const next = this.pointToward(...arrows[e.key]);
      if (next) this.focus(next);
    } else if ((e.key === 'Enter' || e.key === ' ') && this.focused) {
      this.onSelect(this.focused.movie);
    } else if (zooms[e.key]) {
      this.zoomButton(zooms[e.key]);
    } else if (e.key === 'Escape' && this.focused) {
      this.focus(null);
    } else {
      return;
    }
    e.preventDefault();
  }

  // ---- legend: a genre button shows that genre alone ----

  renderLegend() {
    const counts = this.groups.map((_, g) => this.points.filter((p) => p.group === g).length);
    this.legend.replaceChildren(...this.groups.map((name, g) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'legend-item';
      button.dataset.group = String(g);
      button.setAttribute('aria-pressed', 'false');
      button.title = `Show only ${name} movies (${counts[g]})`;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colourOf(g);
      button.append(swatch, name);
      return button;
    }));
    this.legend.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-group]');
      if (button) this.showGenre(Number(button.dataset.group));
    });
  }

  showGenre(g) {
    this.genre = this.genre === g ? -1 : g;
    for (const button of this.legend.children) button.setAttribute('aria-pressed', String(Number(button.dataset.group) === this.genre));
    this.draw();
  }
}

function colourOf(group) {
  return PALETTE[group % PALETTE.length];
}

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function shortTitle(movie) {
  return movie.title.length > 28 ? `${movie.title.slice(0, 26)}…` : movie.title;
}

function boundsOf(points) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}
