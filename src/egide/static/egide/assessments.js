/*
 * Égide: the radar charts of an assessment page (scores by principle and by area of action) and the line charts
 * of a country's assessments over time.  No inline code
 * (strict CSP), no build step.  Each chart's figures come from its element's data-radar-chart attribute (a JSON
 * document: indicators with their names, and the values on 0-100), drawn with Apache ECharts (vendor/echarts).
 * The scores panel is swapped in again by HTMX after each answer saved, so the charts are drawn again then.
 */
(function () {
  "use strict";

  function cssColor(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value || "").trim() || fallback;
  }

  function draw(element) {
    if (!window.echarts) return;
    var data;
    try {
      data = JSON.parse(element.getAttribute("data-radar-chart"));
    } catch (error) {
      return;
    }
    if (!data || !Array.isArray(data.indicators)) return;
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var text = cssColor("--pico-color", "#373c44");
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: window.getComputedStyle(element).fontFamily },
      color: [cssColor("--pico-primary", "#1d4ed8")],
      tooltip: { confine: true },
      radar: {
        indicator: data.indicators,
        radius: "62%",
        axisName: { color: text, overflow: "break", width: 140 }
      },
      series: [{ type: "radar", data: [{ value: data.values, areaStyle: { opacity: 0.15 } }] }]
    });
    element.setAttribute("data-drawn", "true");
  }

  // A country's trend: overall and section scores by date, one line each; the figures come from the json_script
  // element named by data-trend-chart (dates, and series with their names and values on 0-100, null when none).
  function drawTrend(element) {
    if (!window.echarts) return;
    var source = document.getElementById(element.getAttribute("data-trend-chart"));
    var data;
    try {
      data = JSON.parse(source ? source.textContent : "null");
    } catch (error) {
      return;
    }
    if (!data || !Array.isArray(data.series)) return;
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: window.getComputedStyle(element).fontFamily },
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", bottom: 0, textStyle: { color: cssColor("--pico-color", "#373c44") } },
      grid: { left: 40, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: data.dates },
      yAxis: { type: "value", min: 0, max: 100 },
      series: data.series.map(function (line, index) {
        return {
          type: "line",
          name: line.name,
          data: line.values,
          connectNulls: true,
          lineStyle: { width: index === 0 ? 3 : 1.5 }
        };
      })
    });
    element.setAttribute("data-drawn", "true");
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-radar-chart]").forEach(draw);
    (root || document).querySelectorAll("[data-trend-chart]").forEach(drawTrend);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-radar-chart], [data-trend-chart]").forEach(function (element) {
      var chart = window.echarts && window.echarts.getInstanceByDom(element);
      if (chart) chart.resize();
    });
  });
})();
