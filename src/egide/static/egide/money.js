/*
 * Égide: the Money tab of a programme page.  No inline code (strict CSP), no build step.
 *
 * Draws the chart of cumulative budget against cumulative disbursement, in US dollars, from the JSON in the chart
 * element's data-money-chart attribute, with Apache ECharts (vendor/echarts, copied by `npm run build`).  The same
 * figures are in the tables beside it.  (Not a json_script element: HTMX drops <script> elements from what it
 * swaps in, and the panel is swapped in again after every change made in a dialog.)
 */
(function () {
  "use strict";

  var charts = [];

  function cssColor(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value || "").trim() || fallback;
  }

  function draw(element) {
    if (!window.echarts) return;
    var data;
    try {
      data = JSON.parse(element.getAttribute("data-money-chart"));
    } catch (error) {
      return;
    }
    if (!data || !Array.isArray(data.dates)) return;
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var text = cssColor("--pico-color", "#373c44");
    var muted = cssColor("--pico-muted-color", "#646b79");
    var border = cssColor("--pico-muted-border-color", "#e7eaf0");
    var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 0 });
    function pairs(values) {
      return data.dates.map(function (day, index) { return [day, Number(values[index])]; });
    }
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: window.getComputedStyle(element).fontFamily },
      color: [cssColor("--money-budget", "#1d4ed8"), cssColor("--money-disbursed", "#b45309")],
      legend: { top: 0, left: 0, textStyle: { color: text } },
      // On a phone the legend takes two lines.
      grid: { left: 8, right: 16, top: element.clientWidth < 500 ? 56 : 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        confine: true,
        valueFormatter: function (value) { return numbers.format(value) + " " + data.currency; }
      },
      xAxis: { type: "time", axisLabel: { color: muted }, axisLine: { lineStyle: { color: border } } },
      yAxis: {
        type: "value",
        axisLabel: { color: muted, formatter: function (value) { return numbers.format(value); } },
        splitLine: { lineStyle: { color: border } }
      },
      series: [
        { type: "line", step: "end", name: data.names.budget, data: pairs(data.budget), symbolSize: 5 },
        { type: "line", step: "end", name: data.names.disbursed, data: pairs(data.disbursed), symbolSize: 5, areaStyle: { opacity: 0.12 } }
      ]
    });
    charts.push(chart);
  }

  function drawAll(scope) {
    charts = charts.filter(function (chart) {
      if (chart.isDisposed()) return false;
      if (!document.body.contains(chart.getDom())) { chart.dispose(); return false; }
      return true;
    });
    var root = scope && scope.querySelectorAll ? scope : document;
    root.querySelectorAll("[data-money-chart]").forEach(function (element) {
      if (!window.echarts.getInstanceByDom(element)) draw(element);
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { if (!chart.isDisposed()) chart.resize(); });
  });
  document.addEventListener("htmx:afterSettle", function () { if (window.echarts) drawAll(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { if (window.echarts) drawAll(document); });
  } else if (window.echarts) {
    drawAll(document);
  }
})();
