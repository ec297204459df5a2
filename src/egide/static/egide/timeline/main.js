/*
 * Égide: the country timeline (programmes, missions, key documents) drawn with Apache ECharts, bundled with the
 * parts of ECharts it uses into static/build/timeline.js by `npm run build` (scripts/bundle-timeline.mjs).
 *
 * No inline code or style (strict CSP): the data is the page's JSON element (json_script, never executed), the
 * chart's size is set through the style object (CSSOM, which the CSP allows), colours come from CSS custom
 * properties of egide/timeline.css, and the tooltip is built from escaped text with classes only.  The table below
 * the chart lists the same items, for screen readers, for printing and without JavaScript.
 *
 * Each row is an item: a programme has a bar for its planned dates and one for its actual dates (stacked, planned
 * above, when both are known); a mission a bar; a document a diamond at its date.  A bar whose end is not known
 * runs to today and is drawn with a dashed outline.  Clicking an item opens its page when it has one.
 */
import * as echarts from 'echarts/core';
import { CustomChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([CustomChart, GridComponent, TooltipComponent, DataZoomComponent, MarkLineComponent, CanvasRenderer]);

const ROW_HEIGHT = 30;

function cssColor(element, name, fallback) {
  const value = window.getComputedStyle(element).getPropertyValue(name);
  return (value || '').trim() || fallback;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function parseDay(iso) {
  const [year, month, day] = iso.split('-').map(Number);
  return Date.UTC(year, month - 1, day);
}

function shortLabel(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function readData(element) {
  const source = document.getElementById(element.getAttribute('data-timeline'));
  if (!source) return null;
  try {
    return JSON.parse(source.textContent);
  } catch (error) {
    return null;
  }
}

/** One datum per bar or point: [row, start, end] with what the drawing and the tooltip need. */
function marks(data) {
  const result = [];
  data.rows.forEach((row, index) => {
    const both = row.bars.length > 1;
    row.bars.forEach((bar) => {
      result.push({
        value: [index, parseDay(bar.start), parseDay(bar.end)],
        row,
        phase: bar.phase,
        phaseLabel: bar.phase_label,
        open: bar.open,
        // Planned above actual when a row has both.
        slot: both ? (bar.phase === 'planned' ? 'upper' : 'lower') : 'whole',
      });
    });
    if (row.day) {
      const day = parseDay(row.day);
      result.push({ value: [index, day, day], row, phase: 'day', slot: 'whole', open: false });
    }
  });
  return result;
}

function draw(element) {
  const data = readData(element);
  if (!data || !Array.isArray(data.rows) || !data.start) return;
  const dated = data.rows.filter((row) => row.bars.length || row.day);
  data.rows = dated;
  const colours = {
    planned: cssColor(element, '--timeline-planned', '#9db4d6'),
    actual: cssColor(element, '--timeline-actual', '#1d4e89'),
    mission: cssColor(element, '--timeline-mission', '#7a3e9d'),
    document: cssColor(element, '--timeline-document', '#b45309'),
    today: cssColor(element, '--timeline-today', '#b91c1c'),
    text: cssColor(element, '--pico-color', '#373c44'),
    muted: cssColor(element, '--pico-muted-color', '#646b79'),
    grid: cssColor(element, '--pico-muted-border-color', '#e7eaf0'),
  };
  const narrow = element.clientWidth < 600;
  const labelWidth = narrow ? 110 : 260;
  element.style.height = `${dated.length * ROW_HEIGHT + 90}px`;
  const language = document.documentElement.lang || 'en';
  const dayFormat = new Intl.DateTimeFormat(language, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const formatDay = (time) => dayFormat.format(new Date(time));
  const strings = {
    today: element.getAttribute('data-label-today') || 'Today',
    open: element.getAttribute('data-label-open') || 'ongoing',
    status: element.getAttribute('data-label-status') || 'Status',
    date: element.getAttribute('data-label-date') || 'Date',
    illustrative: element.getAttribute('data-label-illustrative') || 'illustrative',
  };
  const items = marks(data);
  let drawn = 0;

  function colourOf(mark) {
    if (mark.phase === 'day') return colours.document;
    if (mark.row.kind === 'mission') return colours.mission;
    return mark.phase === 'planned' ? colours.planned : colours.actual;
  }

  function renderItem(params, api) {
    const mark = items[params.dataIndex];
    const row = api.value(0);
    const start = api.coord([api.value(1), row]);
    const end = api.coord([api.value(2), row]);
    const height = api.size([0, 1])[1] * 0.62;
    const colour = colourOf(mark);
    drawn += 1;
    if (mark.phase === 'day') {
      const size = Math.min(height, 14) / 2;
      return {
        type: 'polygon',
        shape: { points: [[start[0], start[1] - size], [start[0] + size, start[1]], [start[0], start[1] + size], [start[0] - size, start[1]]] },
        style: { fill: colour, stroke: colours.text, lineWidth: 0.5 },
      };
    }
    let top = start[1] - height / 2;
    let barHeight = height;
    if (mark.slot === 'upper') barHeight = height / 2 - 1;
    if (mark.slot === 'lower') {
      top = start[1] + 1;
      barHeight = height / 2 - 1;
    }
    const shape = echarts.graphic.clipRectByRect(
      { x: start[0], y: top, width: Math.max(end[0] - start[0], 3), height: barHeight },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
    );
    if (!shape) return null;
    return {
      type: 'rect',
      shape,
      style: mark.open
        ? { fill: colour, opacity: 0.75, stroke: colours.text, lineWidth: 1, lineDash: [4, 3] }
        : { fill: colour, stroke: colour },
    };
  }

  function tooltip(params) {
    const mark = items[params.dataIndex];
    const row = mark.row;
    const lines = [`<strong>${escapeHtml(row.label)}</strong>`];
    const facts = [row.kind_label];
    if (row.detail) facts.push(row.detail);
    if (row.illustrative) facts.push(strings.illustrative);
    lines.push(`<span class="timeline-tip-muted">${escapeHtml(facts.join(' · '))}</span>`);
    if (row.status_label) lines.push(`${escapeHtml(strings.status)}: ${escapeHtml(row.status_label)}`);
    if (row.day) lines.push(`${escapeHtml(strings.date)}: ${escapeHtml(formatDay(parseDay(row.day)))}`);
    row.bars.forEach((bar) => {
      const until = bar.open ? strings.open : formatDay(parseDay(bar.end));
      lines.push(`${escapeHtml(bar.phase_label)}: ${escapeHtml(formatDay(parseDay(bar.start)))} – ${escapeHtml(until)}`);
    });
    return lines.join('<br>');
  }

  const existing = echarts.getInstanceByDom(element);
  if (existing) existing.dispose();
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  const needsZoom = dated.length > 0;
  // What the browser test reads: the marks drawn (bars and points), once a frame is painted (listened to before
  // the options are set, which may paint at once).
  chart.on('finished', () => {
    element.setAttribute('data-marks', String(drawn));
  });
  chart.setOption({
    animation: false,
    aria: { enabled: false },
    grid: { left: labelWidth + 16, right: 24, top: 34, bottom: needsZoom ? 50 : 24 },
    tooltip: { trigger: 'item', formatter: tooltip, confine: true, className: 'timeline-tip' },
    dataZoom: needsZoom
      ? [
          { type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', height: 18, bottom: 10, labelFormatter: (value) => new Date(value).getUTCFullYear() },
          { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter', zoomOnMouseWheel: 'shift' },
        ]
      : [],
    xAxis: {
      type: 'time',
      position: 'top',
      min: parseDay(data.start),
      max: parseDay(data.end),
      axisLabel: { color: colours.muted, formatter: (value) => String(new Date(value).getUTCFullYear()), hideOverlap: true },
      splitLine: { show: true, lineStyle: { color: colours.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: dated.map((row) => row.label),
      axisTick: { show: false },
      axisLabel: { color: colours.text, width: labelWidth, overflow: 'truncate', formatter: (value) => shortLabel(value, narrow ? 18 : 44) },
      splitLine: { show: true, lineStyle: { color: colours.grid } },
    },
    series: [
      {
        type: 'custom',
        renderItem,
        encode: { x: [1, 2], y: 0 },
        data: items,
        markLine: data.today
          ? {
              silent: true,
              symbol: 'none',
              label: { formatter: strings.today, color: colours.today, position: 'end', distance: 4 },
              lineStyle: { color: colours.today, type: 'dashed' },
              data: [{ xAxis: parseDay(data.today) }],
            }
          : undefined,
      },
    ],
  });
  chart.on('click', (params) => {
    const mark = items[params.dataIndex];
    if (mark && mark.row.link) window.location.assign(mark.row.link);
  });
  window.addEventListener('resize', () => chart.resize());
  // On paper the zoom slider means nothing: hidden while printing, back afterwards.
  window.addEventListener('beforeprint', () => {
    if (needsZoom) chart.setOption({ dataZoom: [{ show: false }] });
    chart.resize();
  });
  window.addEventListener('afterprint', () => {
    if (needsZoom) chart.setOption({ dataZoom: [{ show: true }] });
    chart.resize();
  });
}

function start() {
  const element = document.getElementById('timeline-chart');
  if (element) draw(element);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
