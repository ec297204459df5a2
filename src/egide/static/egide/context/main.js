// The Context tab's small charts and an indicator's world map, drawn with ECharts from the JSON the page holds
// (json_script). The world's boundaries come from the world-atlas package (Natural Earth, 1:110m), keyed by
// ISO 3166-1 numeric codes; Kosovo, which has none, is matched by its name.
import * as echarts from "echarts/core";
import { LineChart, MapChart } from "echarts/charts";
import { GridComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import { SVGRenderer, CanvasRenderer } from "echarts/renderers";
import { feature } from "topojson-client";
import world from "world-atlas/countries-110m.json";

echarts.use([LineChart, MapChart, GridComponent, TooltipComponent, VisualMapComponent, SVGRenderer, CanvasRenderer]);

const NAMED_WITHOUT_CODE = { Kosovo: "XK" };

function json(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

function format(value) {
  return new Intl.NumberFormat(document.documentElement.lang || "en", { maximumFractionDigits: 2 }).format(value);
}

function drawSmallCharts(charts, labels) {
  const resizers = [];
  for (const [id, chart] of Object.entries(charts)) {
    const element = document.getElementById(id);
    if (!element) continue;
    const instance = echarts.init(element, null, { renderer: "svg" });
    const flag = chart.minimum === 0 && chart.maximum === 1;
    instance.setOption({
      animation: false,
      grid: { left: 34, right: 8, top: 8, bottom: 20 },
      tooltip: { trigger: "axis", valueFormatter: (value) => (value == null ? "—" : format(value)) },
      xAxis: { type: "value", min: "dataMin", max: "dataMax", minInterval: 1, axisLabel: { fontSize: 10, formatter: (v) => String(v) } },
      yAxis: {
        type: "value",
        min: chart.minimum ?? undefined,
        max: chart.maximum ?? undefined,
        inverse: false,
        splitNumber: flag ? 1 : 3,
        axisLabel: { fontSize: 10 },
      },
      series: [
        { name: labels.country, type: flag ? "line" : "line", step: flag ? "middle" : false, data: chart.country, showSymbol: chart.country.length < 3, lineStyle: { width: 2 }, color: "#1f5fa8" },
        ...(chart.region.length && labels.region
          ? [{ name: labels.region, type: "line", data: chart.region, showSymbol: false, lineStyle: { type: "dashed", width: 1.5 }, color: "#8a6d1f" }]
          : []),
      ],
    });
    resizers.push(instance);
  }
  window.addEventListener("resize", () => resizers.forEach((chart) => chart.resize()));
}

function drawMap(data) {
  const element = document.getElementById("context-map");
  if (!element) return;
  const shapes = feature(world, world.objects.countries);
  // Antarctica holds no values and would take a fifth of the map; drawn flat, rings that cross the antimeridian
  // (Russia's and Fiji's) would run across the whole map: their western points are moved east of 180°.
  shapes.features = shapes.features.filter((shape) => shape.id !== "010");
  for (const shape of shapes.features) {
    const polygons = shape.geometry.type === "Polygon" ? [shape.geometry.coordinates] : shape.geometry.coordinates;
    for (const polygon of polygons) {
      for (const ring of polygon) {
        if (ring.some(([lon]) => lon > 150) && ring.some(([lon]) => lon < -150)) {
          for (const point of ring) if (point[0] < 0) point[0] += 360;
        }
      }
    }
  }
  for (const shape of shapes.features) {
    const code = data.numeric[shape.id] || NAMED_WITHOUT_CODE[shape.properties.name] || "";
    shape.properties = { name: code || `-${shape.properties.name}` };
  }
  echarts.registerMap("egide-world", shapes);
  const values = Object.entries(data.values);
  const numbers = values.map(([, value]) => value);
  const low = numbers.length ? Math.min(...numbers) : data.minimum;
  const high = numbers.length ? Math.max(...numbers) : data.maximum;
  // Darker is worse, whichever way the scale runs.
  const colours = ["#f3e7c4", "#e3a857", "#c0582c", "#7d1d1d"];
  const chart = echarts.init(element, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (item) => {
        const name = data.names[item.name] || String(item.name).replace(/^-/, "");
        return `${name}: ${item.value == null || Number.isNaN(item.value) ? data.labels.noValue : format(item.value)}`;
      },
    },
    visualMap: {
      min: low,
      max: high,
      calculable: false,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      text: data.higherIsBetter ? [data.labels.highest, data.labels.lowest] : [data.labels.highest, data.labels.lowest],
      // A map that does not rank (the public portal's countries with published data) brings its own colours.
      inRange: { color: data.colours || (data.higherIsBetter ? [...colours].reverse() : colours) },
    },
    series: [
      {
        type: "map",
        map: "egide-world",
        roam: true,
        emphasis: { label: { show: false } },
        itemStyle: { areaColor: "#d9d9d9", borderColor: "#ffffff", borderWidth: 0.5 },
        data: values.map(([code, value]) => ({ name: code, value })),
      },
    ],
  });
  chart.on("click", (item) => {
    if (item.name && data.values[item.name] !== undefined) {
      window.location.href = data.countryUrl.replace("XX", item.name);
    }
  });
  // ECharts cannot invert the map's transform for a view of no width or height (a window being resized).
  window.addEventListener("resize", () => {
    if (element.clientWidth > 0 && element.clientHeight > 0) chart.resize();
  });
}

const charts = json("context-charts");
if (charts) drawSmallCharts(charts, json("context-chart-labels") || {});
const map = json("context-map-data");
if (map) drawMap(map);
