/*
 * Égide: the governance pages of a country (findings, rules).  No inline code (strict CSP), no build step: an ES
 * module, which shares the map's one helper for escaping text put into HTML.
 *
 * - Draws the summary chart (findings by area of action and severity) from the JSON in the chart element's
 *   data-governance-chart attribute, with Apache ECharts; the same numbers are in a table beside it.  (Not a
 *   json_script element: HTMX drops <script> elements from what it swaps in, and the summary is swapped in when
 *   the filters change.)
 *   Colours come from the CSS custom properties --severity-high, --severity-medium, --severity-low.
 * - "Show on the map" on a finding highlights its actors and relationships on the map (window.egideMap,
 *   egide/map/main.js) and fades the rest; pressing it again, or "Clear the highlight", ends it.  The chosen finding
 *   stays chosen when the list is refreshed (filters, decisions), and a link to #finding-… chooses it.
 * - Leaves empty filters out of the address.
 * - Deciding on several findings at once: each finding has a check box that belongs to the bulk form (its `form`
 *   attribute), so that ticking and sending work without this script; the script adds, on each rule's card, a box
 *   that ticks every finding of the rule on the page, and says how many findings are ticked.
 * - On the rules page, a search field above each list of kinds shows only the kinds whose name contains the text
 *   typed (the ticked ones stay in the form whether shown or not).
 */
import { escapeHtml } from './map/dom.js';

(function () {
  'use strict';

  var charts = [];
  var selectedKey = null; // id of the chosen finding's element

  // ------------------------------------------------------------------------------------------ summary chart

  function cssColor(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value || '').trim() || fallback;
  }

  function drawChart(element) {
    if (!window.echarts) return;
    var data;
    try {
      data = JSON.parse(element.getAttribute('data-governance-chart'));
    } catch (error) {
      return;
    }
    if (!data || !Array.isArray(data.categories) || !Array.isArray(data.series)) return;
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: 'canvas' });
    var text = cssColor('--pico-color', '#373c44');
    var muted = cssColor('--pico-muted-color', '#646b79');
    var border = cssColor('--pico-muted-border-color', '#e7eaf0');
    var fallback = { high: '#b91c1c', medium: '#d97706', low: '#6b7280' };
    var categories = data.categories.slice().reverse(); // the first area of action at the top
    var series = data.series.map(function (item) {
      return {
        type: 'bar',
        name: item.name,
        stack: 'findings',
        barMaxWidth: 22,
        itemStyle: { color: cssColor('--severity-' + item.code, fallback[item.code] || muted) },
        emphasis: { focus: 'series' },
        label: {
          show: true,
          color: item.code === 'high' ? '#ffffff' : '#1f2933',
          fontSize: 11,
          formatter: function (params) { return params.value ? String(params.value) : ''; }
        },
        data: item.data.slice().reverse()
      };
    });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: window.getComputedStyle(element).fontFamily },
      color: series.map(function (item) { return item.itemStyle.color; }),
      legend: { top: 0, left: 0, textStyle: { color: text }, itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        confine: true,
        backgroundColor: cssColor('--pico-card-background-color', '#ffffff'),
        borderColor: border,
        textStyle: { color: text, fontSize: 12 },
        // Class names only: the content security policy forbids style attributes.
        formatter: function (params) {
          var total = 0;
          var lines = params.map(function (item) {
            total += item.value || 0;
            var code = (data.series[item.seriesIndex] || {}).code || '';
            return '<span class="chart-tip-row"><span class="severity-dot severity-' + code + '"></span>' +
              escapeHtml(item.seriesName) + ': <strong>' + escapeHtml(item.value) + '</strong></span>';
          });
          return '<div class="chart-tip"><strong>' + escapeHtml(params.length ? params[0].axisValue : '') + '</strong>' +
            lines.join('') + '<span class="chart-tip-row">' + escapeHtml(data.total) + ': <strong>' + total +
            '</strong></span></div>';
        }
      },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { color: muted },
        splitLine: { lineStyle: { color: border } }
      },
      yAxis: {
        type: 'category',
        data: categories,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: border } },
        axisLabel: { color: text, width: 230, overflow: 'break', lineHeight: 14, fontSize: 12 }
      },
      series: series
    });
    charts.push(chart);
  }

  function drawCharts(scope) {
    charts = charts.filter(function (chart) {
      if (chart.isDisposed()) return false;
      if (!document.body.contains(chart.getDom())) { chart.dispose(); return false; }
      return true;
    });
    var root = scope && scope.querySelectorAll ? scope : document;
    var elements = Array.prototype.slice.call(root.querySelectorAll('[data-governance-chart]'));
    if (root.matches && root.matches('[data-governance-chart]')) elements.push(root);
    elements.forEach(function (element) {
      if (!window.echarts.getInstanceByDom(element)) drawChart(element);
    });
  }

  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { if (!chart.isDisposed()) chart.resize(); });
  });

  // ------------------------------------------------------------------------------------------ highlight

  function bar() {
    return document.getElementById('governance-highlight');
  }

  function ids(value) {
    return String(value || '').split(/\s+/).filter(Boolean);
  }

  function mapApi() {
    var api = window.egideMap;
    return api && typeof api.highlight === 'function' ? api : null;
  }

  function markChosen() {
    document.querySelectorAll('[data-finding]').forEach(function (finding) {
      var chosen = finding.id === selectedKey;
      finding.classList.toggle('is-selected', chosen);
      var button = finding.querySelector('[data-finding-show]');
      if (button) button.setAttribute('aria-pressed', chosen ? 'true' : 'false');
    });
  }

  function showBar(finding) {
    var box = bar();
    if (!box) return;
    if (!finding) {
      box.hidden = true;
      return;
    }
    var title = finding.querySelector('.finding-title');
    box.querySelector('[data-highlight-title]').textContent = title ? title.textContent : '';
    box.querySelector('[data-highlight-back]').setAttribute('href', '#' + finding.id);
    box.hidden = false;
  }

  function choose(finding, options) {
    options = options || {};
    var api = mapApi();
    selectedKey = finding.id;
    markChosen();
    showBar(finding);
    if (api) api.highlight(ids(finding.getAttribute('data-nodes')), ids(finding.getAttribute('data-edges')));
    if (options.scroll !== false) {
      var target = bar() || document.getElementById('map');
      if (target) target.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  }

  function clear() {
    var api = mapApi();
    selectedKey = null;
    markChosen();
    showBar(null);
    if (api) api.clearHighlight();
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-finding-show]');
    if (button) {
      var finding = button.closest('[data-finding]');
      if (!finding) return;
      if (finding.id === selectedKey) clear();
      else choose(finding);
      return;
    }
    if (event.target.closest('[data-highlight-clear]')) {
      var back = selectedKey;
      clear();
      var finding2 = back && document.getElementById(back);
      var again = finding2 && finding2.querySelector('[data-finding-show]');
      if (again) again.focus({ preventScroll: true });
      return;
    }
    var link = event.target.closest('[data-highlight-back]');
    if (link && selectedKey) {
      var chosen = document.getElementById(selectedKey);
      if (chosen) {
        event.preventDefault();
        chosen.scrollIntoView({ behavior: 'smooth', block: 'start' });
        var show = chosen.querySelector('[data-finding-show]');
        if (show) show.focus({ preventScroll: true });
      }
    }
  });

  // After the list is refreshed: keep the chosen finding if it is still listed, with its (new) evidence.
  function afterRefresh() {
    if (!selectedKey) return;
    var finding = document.getElementById(selectedKey);
    if (finding) {
      choose(finding, { scroll: false });
    } else {
      clear();
    }
  }

  function fromHash() {
    var id = window.location.hash.slice(1);
    if (!/^finding-[0-9a-f]+$/.test(id)) return;
    var finding = document.getElementById(id);
    // A finding linked to inside a closed card opens it.
    var closed = finding && finding.closest('details:not([open])');
    if (closed) closed.open = true;
    if (finding && finding.querySelector('[data-finding-show]')) {
      selectedKey = id;
      markChosen();
      showBar(finding);
      var api = mapApi();
      if (api) api.highlight(ids(finding.getAttribute('data-nodes')), ids(finding.getAttribute('data-edges')));
    }
  }

  // ------------------------------------------------------------------------------------------ filters

  // Leave the empty filters out of the request, and so out of the address shown.
  document.addEventListener('htmx:configRequest', function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.id !== 'governance-filters') return;
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === '') delete parameters[name];
    });
  });

  // ------------------------------------------------------------------------------------------ several at once

  function ticks(rule) {
    var selector = rule ? '.finding-tick[data-bulk-rule="' + rule + '"]' : '.finding-tick';
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  function countTicked() {
    var form = document.querySelector('[data-bulk-form]');
    if (!form) return;
    var ticked = ticks().filter(function (box) { return box.checked; }).length;
    var count = form.querySelector('[data-bulk-count]');
    if (count) {
      var text = ticked === 0 ? count.getAttribute('data-none')
        : ticked === 1 ? count.getAttribute('data-one')
          : count.getAttribute('data-many').replace('{count}', String(ticked));
      count.textContent = text;
    }
    form.classList.toggle('has-ticks', ticked > 0);
    document.querySelectorAll('[data-bulk-all]').forEach(function (all) {
      var boxes = ticks(all.getAttribute('data-bulk-all'));
      var on = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && on === boxes.length;
      all.indeterminate = on > 0 && on < boxes.length;
    });
  }

  function startBulk(scope) {
    (scope || document).querySelectorAll('[data-bulk-all]').forEach(function (all) { all.hidden = false; });
    countTicked();
  }

  document.addEventListener('change', function (event) {
    var all = event.target.closest && event.target.closest('[data-bulk-all]');
    if (all) {
      ticks(all.getAttribute('data-bulk-all')).forEach(function (box) { box.checked = all.checked; });
      countTicked();
      return;
    }
    if (event.target.classList && event.target.classList.contains('finding-tick')) countTicked();
  });

  // ------------------------------------------------------------------------------------------ kinds, searched

  function startKindSearch(scope) {
    (scope || document).querySelectorAll('[data-choice-search]').forEach(function (input) {
      if (input.dataset.ready) return;
      input.dataset.ready = '1';
      input.hidden = false;
      var list = document.getElementById(input.getAttribute('aria-controls'));
      if (!list) return;
      input.addEventListener('input', function () {
        var wanted = input.value.trim().toLocaleLowerCase();
        list.querySelectorAll('[data-choice]').forEach(function (choice) {
          var text = choice.textContent.toLocaleLowerCase();
          choice.hidden = wanted !== '' && text.indexOf(wanted) === -1;
        });
        list.querySelectorAll('[data-choice-group]').forEach(function (group) {
          group.hidden = group.querySelector('[data-choice]:not([hidden])') === null;
        });
      });
    });
  }

  // ------------------------------------------------------------------------------------------ start

  function start() {
    if (window.echarts) drawCharts(document);
    startBulk(document);
    startKindSearch(document);
    fromHash();
  }

  document.addEventListener('htmx:load', function (event) {
    if (window.echarts) drawCharts(event.target);
    if (event.target && event.target.querySelectorAll) {
      startBulk(event.target);
      startKindSearch(event.target);
    }
  });
  document.addEventListener('htmx:afterSettle', function (event) {
    if (window.echarts) drawCharts(document);
    var target = event.detail && event.detail.target;
    if (target && (target.id === 'governance-findings' || (target.querySelector && target.querySelector('#governance-findings')))) {
      afterRefresh();
    }
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
