// The Coordination tab's money charts, drawn with ECharts from the JSON the page holds (json_script): a Sankey
// diagram from funders through implementers to areas of action or supported actors, and stacked bars of each
// partner's commitments and disbursements per period. The page's tables give the same figures without JavaScript
// and in print.
import * as echarts from "echarts/core";
import { BarChart, SankeyChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, SankeyChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

function json(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

// Names come from imported data: escaped before they reach the tooltip's HTML.
function escape(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function formatter(currency) {
  const number = new Intl.NumberFormat(document.documentElement.lang || "en", { maximumFractionDigits: 0 });
  return (value) => `${number.format(value)} ${currency}`;
}

function drawSankey(data, format) {
  const element = document.getElementById("coordination-sankey");
  if (!element || !data.nodes.length) return null;
  const labels = Object.fromEntries(data.nodes.map((node) => [node.name, node.label]));
  const perLayer = [0, 0, 0];
  for (const node of data.nodes) perLayer[node.depth] += 1;
  const narrow = element.clientWidth < 600;
  element.style.height = `${Math.max(280, Math.max(...perLayer) * (narrow ? 34 : 30))}px`;
  const chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (item) =>
        item.dataType === "edge"
          ? `${escape(labels[item.data.source])} → ${escape(labels[item.data.target])}<br>${format(item.data.value)}`
          : `${escape(labels[item.name])}<br>${format(item.value)}`,
    },
    series: [
      {
        type: "sankey",
        left: 4,
        right: narrow ? 90 : 190,
        top: 8,
        bottom: 8,
        nodeWidth: 12,
        nodeGap: 10,
        nodeAlign: "justify",
        layoutIterations: 32,
        emphasis: { focus: "adjacency" },
        lineStyle: { color: "gradient", opacity: 0.35 },
        label: {
          fontSize: narrow ? 10 : 12,
          width: narrow ? 86 : 180,
          overflow: "truncate",
          formatter: (item) => labels[item.name],
        },
        data: data.nodes.map((node) => ({ name: node.name, depth: node.depth })),
        links: data.links,
      },
    ],
  });
  element.dataset.links = String(data.links.length); // drawn: for the browser tests
  return chart;
}

function drawTimeline(data, format) {
  const element = document.getElementById("coordination-timeline");
  if (!element || !data.series.length) return null;
  const narrow = element.clientWidth < 600;
  element.style.height = narrow ? "420px" : "360px";
  const chart = echarts.init(element, null, { renderer: "svg" });
  const series = [];
  for (const item of data.series) {
    series.push({ name: item.name, type: "bar", stack: "committed", data: item.committed, emphasis: { focus: "series" } });
  }
  const count = data.series.length;
  data.series.forEach((item, index) => {
    series.push({
      name: item.name,
      type: "bar",
      stack: "spent",
      data: item.spent,
      itemStyle: { decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [3, 3], rotation: -Math.PI / 4 } },
      emphasis: { focus: "series" },
      z: count + index,
    });
  });
  chart.setOption({
    animation: false,
    aria: { enabled: false },
    legend: { type: "scroll", bottom: 0, data: data.series.map((item) => item.name) },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: format },
    grid: { left: narrow ? 56 : 80, right: 12, top: 28, bottom: narrow ? 90 : 60 },
    xAxis: {
      type: "category",
      data: data.periods,
      axisLabel: { fontSize: narrow ? 9 : 11, rotate: narrow && data.periods.length > 6 ? 45 : 0 },
    },
    yAxis: { type: "value", axisLabel: { fontSize: 10, formatter: (value) => new Intl.NumberFormat(document.documentElement.lang || "en", { notation: "compact" }).format(value) } },
    series,
  });
  element.dataset.series = String(data.series.length); // drawn: for the browser tests
  return chart;
}

function start() {
  // The print button works with JavaScript only (no inline handler under the page's CSP): shown once wired.
  const print = document.getElementById("coordination-print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
  }
  const data = json("coordination-charts");
  if (!data) return;
  const format = formatter(data.currency);
  const charts = [drawSankey(data.sankey, format), drawTimeline(data.timeline, format)].filter(Boolean);
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
