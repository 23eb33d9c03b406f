/* Junheng charts: draws every <figure class="chart" data-chart="ID"> of the page with Apache ECharts.
 *
 * No inline script anywhere (the pages run under Content-Security-Policy script-src 'self'): base.html loads this
 * file with data-echarts="<url of static/vendor/echarts/echarts.min.js>"; the library is fetched only on pages
 * that have a chart. Each figure is rendered by templates/includes/chart.html from a spec built in Python
 * (core/charts.py) and holds:
 *   <script type="application/json" id="ID">  the spec's data, below
 *   <div class="chart-table">                  the same numbers as a table: the source of truth, what screen
 *                                              readers, print and browsers without JavaScript get
 * Once drawn, the table is visually hidden (still read by screen readers) behind a "显示数据表 / Show table"
 * button, the chart is aria-hidden, and a failure to draw leaves the table as it was.
 *
 * JSON shapes (every kind also has "kind" and "title"; "display" strings are the table's text, already rounded
 * so a value never reads as meeting a threshold it misses; "pass" is true / false / null for no verdict):
 *
 *   bar_threshold   schools' values against a threshold line, bars coloured pass/fail, best first
 *     {unit, digits, threshold: {value, label, direction: "min"|"max"} | null,
 *      rows: [{label, value|null, display, pass}]}
 *   ranked_bar      horizontal bars, rank 1 on top (counties by one indicator); same as bar_threshold plus
 *     rows[].rank
 *   histogram       counts of whole numbers (class sizes) in bins, with limit lines and shaded bands
 *     {unit, bin_width, total, bins: [{from, to, count, band}], limits: [{value, label}],
 *      bands: [{from, to|null, label}]}
 *     A bin covers from..to inclusive; whole number n is drawn over (n-1, n], so the limit 45 is the line between
 *     the bins 41–45 and 46–50, and the band from 56 starts where the bin 56–60 starts.
 *   line_target     lines over x (years) against a horizontal target and an optional vertical deadline
 *     {unit, digits, x: ["2021", …], series: [{name, planned, values: [v|null], display: [...], pass: [...]}],
 *      target: {value, label, direction} | null, deadline: {x, label} | null}
 *     planned series (a plan's trajectory) are dashed.
 *   progress        the share (0..1) of counties passing per year against the plan's target points
 *     {digits, actual_label, actual: [{x, value, display}], targets: [{x, value, display, label, met}]}
 *   small_multiples one small line chart per indicator, sharing x
 *     {x: [...], panels: [{title, unit, digits, threshold | null, values, display, pass}]}
 *
 * Numbers in tooltips and bar labels are the "display" strings, so chart and table always agree; "digits" is the
 * precision they were rounded to. Every chart has a toolbox with save-as-image, titled in the page's language
 * (document.documentElement.lang), and follows its figure's width (ResizeObserver), down to a 390 px phone.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart[data-chart]"));
  if (!figures.length || !script) return;

  var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  var TEXT = zh
    ? { save: "保存为图片", target: "目标", threshold: "标准", deadline: "目标时限", count: "个数" }
    : { save: "Save as image", target: "Target", threshold: "Standard", deadline: "Deadline", count: "Count" };
  var COLOR = {
    pass: "#1e6b3a", fail: "#b3261e", main: "#1f4e79", line: "#1f2933",
    target: "#a15c00", planned: "#6b7f95", band: ["rgba(230, 160, 0, 0.16)", "rgba(179, 38, 30, 0.14)"],
    bandBar: ["#c98a00", "#b3261e"]
  };
  // Failing bars also carry stripes, so pass and fail differ without colour vision.
  var FAIL_DECAL = { symbol: "rect", symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [3, 5], rotation: -Math.PI / 4, color: "rgba(255,255,255,0.45)" };
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];
  var printing = false;  // no toolbox on paper

  function statusColor(pass) {
    return pass === true ? COLOR.pass : pass === false ? COLOR.fail : COLOR.main;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function withUnit(text, unit) {
    return unit ? text + " " + unit : text;
  }

  function tidy(value) {
    return parseFloat(value.toPrecision(12));
  }

  // Value-axis bounds that keep a threshold (or target) in the plot when the values all lie on one side of it.
  // When it already lies within the data, null lets ECharts choose its usual rounded bounds.
  function axisMax(marks) {
    return function (extent) {
      var top = Math.max.apply(null, marks.concat([extent.max]));
      if (top <= extent.max) return null;
      var span = top - Math.min(extent.min, top) || Math.abs(top) || 1;
      var step = Math.pow(10, Math.floor(Math.log10(span))) / 2;
      return tidy(Math.ceil((top + span * 0.05) / step) * step);
    };
  }

  function axisMin(marks) {
    return function (extent) {
      var bottom = Math.min.apply(null, marks.concat([extent.min]));
      if (bottom >= extent.min) return null;
      var span = Math.max(extent.max, bottom) - bottom || Math.abs(bottom) || 1;
      var step = Math.pow(10, Math.floor(Math.log10(span))) / 2;
      var value = tidy(Math.floor((bottom - span * 0.05) / step) * step);
      return bottom >= 0 && value < 0 ? 0 : value;
    };
  }

  function marksOf(threshold) {
    return threshold ? [threshold.value] : [];
  }

  function thresholdMarkLine(threshold, axis) {
    if (!threshold) return undefined;
    var point = {};
    point[axis] = threshold.value;
    var sign = threshold.direction === "max" ? "≤ " : "≥ ";
    return {
      silent: true, symbol: "none",
      lineStyle: { color: COLOR.line, type: "dashed", width: 1.5 },
      label: {
        formatter: (threshold.label || TEXT.threshold) + " " + sign + threshold.value,
        // a vertical line's label goes above the plot (its start: the category axis of ranked bars is inverse)
        position: axis === "yAxis" ? "insideEndTop" : "start", color: COLOR.line
      },
      data: [point]
    };
  }

  function base(spec) {
    return {
      animation: !reduceMotion,
      animationDuration: 400,
      textStyle: { fontFamily: window.getComputedStyle(document.body).fontFamily },
      toolbox: {
        show: !printing, right: 6, top: 2, itemSize: 16,
        feature: {
          saveAsImage: { title: TEXT.save, name: spec.title, pixelRatio: 2, backgroundColor: "#fff" }
        }
      },
      color: ["#1f4e79", "#2a9d8f", "#8e5ea2", "#c05a2a", "#6b7f95"],
      tooltip: { confine: true },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true }
    };
  }

  // ------------------------------------------------------------------ (a) bars against a threshold
  function barThreshold(spec) {
    var option = base(spec);
    var rows = spec.rows;
    var crowded = rows.length > 8;
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    option.tooltip.formatter = function (items) {
      var row = rows[items[0].dataIndex];
      return escapeHtml(row.label) + "<br>" + escapeHtml(withUnit(row.display, spec.unit));
    };
    option.xAxis = {
      type: "category", data: rows.map(function (r) { return r.label; }),
      axisTick: { alignWithLabel: true },
      axisLabel: { rotate: crowded ? 50 : 0, hideOverlap: true, width: crowded ? 90 : 120, overflow: "truncate", interval: crowded ? "auto" : 0 }
    };
    option.yAxis = { type: "value", name: spec.unit, max: axisMax(marksOf(spec.threshold)) };
    option.series = [{
      type: "bar", barMaxWidth: 36,
      data: rows.map(function (r) {
        return { value: r.value, itemStyle: { color: statusColor(r.pass), decal: r.pass === false ? FAIL_DECAL : null } };
      }),
      markLine: thresholdMarkLine(spec.threshold, "yAxis")
    }];
    return option;
  }

  // ------------------------------------------------------------------ (d) ranked horizontal bars
  function rankedBar(spec, el) {
    var option = base(spec);
    var rows = spec.rows;
    el.style.height = Math.max(200, rows.length * 26 + 70) + "px";
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    option.tooltip.formatter = function (items) {
      var row = rows[items[0].dataIndex];
      return (row.rank ? row.rank + ". " : "") + escapeHtml(row.label) + "<br>" + escapeHtml(withUnit(row.display, spec.unit));
    };
    option.yAxis = {
      type: "category", inverse: true, data: rows.map(function (r) { return r.label; }),
      axisLabel: { width: 110, overflow: "truncate" }
    };
    option.xAxis = { type: "value", name: spec.unit, max: axisMax(marksOf(spec.threshold)), axisLabel: { hideOverlap: true } };
    option.grid.right = 48;
    option.series = [{
      type: "bar", barMaxWidth: 18,
      data: rows.map(function (r) {
        return { value: r.value, itemStyle: { color: statusColor(r.pass), decal: r.pass === false ? FAIL_DECAL : null } };
      }),
      label: { show: true, position: "right", formatter: function (p) { return rows[p.dataIndex].display; } },
      markLine: thresholdMarkLine(spec.threshold, "xAxis")
    }];
    return option;
  }

  // ------------------------------------------------------------------ (b) histogram
  function histogram(spec) {
    var option = base(spec);
    var bins = spec.bins;
    var lo = bins.length ? bins[0].from - 1 : 0;
    var hi = bins.length ? bins[bins.length - 1].to : 1;
    function bandIndex(bin) {
      for (var i = spec.bands.length - 1; i >= 0; i--) {
        var band = spec.bands[i];
        if (bin.from >= band.from && (band.to === null || bin.to <= band.to)) return i;
      }
      return -1;
    }
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) {
      var bin = bins[p.dataIndex];
      return escapeHtml(bin.from + "–" + bin.to + (spec.unit ? " " + spec.unit : "")) + "<br>" + TEXT.count + ": " + bin.count +
        (bin.band ? "<br>" + escapeHtml(bin.band) : "");
    };
    option.xAxis = {
      type: "value", min: lo, max: hi, interval: spec.bin_width, name: spec.unit, nameLocation: "middle", nameGap: 26,
      axisLabel: { hideOverlap: true }, splitLine: { show: false }
    };
    option.grid.bottom = 30;
    option.yAxis = { type: "value", minInterval: 1, name: TEXT.count };
    // Limits a few pupils apart (45, 50) would print their labels over each other: stagger them upwards.
    var markLines = spec.limits.map(function (limit, i) {
      return { xAxis: limit.value, label: { formatter: limit.label + " " + limit.value, distance: 4 + 14 * i } };
    });
    option.grid.top = 40 + 14 * Math.max(0, spec.limits.length - 1);
    var markAreas = spec.bands.map(function (band, i) {
      return [
        { xAxis: band.from - 1, name: band.label, itemStyle: { color: COLOR.band[Math.min(i, COLOR.band.length - 1)] } },
        { xAxis: band.to === null ? hi : band.to }
      ];
    });
    option.series = [{
      type: "custom",
      renderItem: function (params, api) {
        var topLeft = api.coord([api.value(0), api.value(2)]);
        var bottomRight = api.coord([api.value(1), 0]);
        return {
          type: "rect",
          shape: { x: topLeft[0] + 1, y: topLeft[1], width: Math.max(1, bottomRight[0] - topLeft[0] - 2), height: bottomRight[1] - topLeft[1] },
          style: { fill: api.visual("color") }
        };
      },
      encode: { x: [0, 1], y: 2 },
      data: bins.map(function (bin) {
        var i = bandIndex(bin);
        return { value: [bin.from - 1, bin.to, bin.count], itemStyle: { color: i < 0 ? COLOR.main : COLOR.bandBar[Math.min(i, COLOR.bandBar.length - 1)] } };
      }),
      markLine: markLines.length ? {
        silent: true, symbol: "none", lineStyle: { color: COLOR.line, type: "dashed", width: 1.5 },
        label: { position: "end", color: COLOR.line }, data: markLines
      } : undefined,
      markArea: markAreas.length ? {
        silent: true, label: { position: "insideTop", color: "#5f4000", fontSize: 11 }, data: markAreas
      } : undefined
    }];
    return option;
  }

  // ------------------------------------------------------------------ (c) lines against a target
  function lineTarget(spec) {
    var option = base(spec);
    option.legend = { top: 4, left: 0, right: 40, type: "scroll" };
    option.grid.top = 48;
    option.tooltip.trigger = "axis";
    option.tooltip.formatter = function (items) {
      var i = items[0].dataIndex;
      return escapeHtml(spec.x[i]) + spec.series.map(function (s) {
        return "<br>" + escapeHtml(s.name) + ": " + escapeHtml(withUnit(s.display[i], s.display[i] === "—" ? "" : spec.unit));
      }).join("");
    };
    option.xAxis = { type: "category", data: spec.x, boundaryGap: false, axisLabel: { hideOverlap: true } };
    var marks = marksOf(spec.target);
    option.yAxis = { type: "value", name: spec.unit, scale: true, max: axisMax(marks), min: axisMin(marks) };
    option.series = spec.series.map(function (s, index) {
      var series = {
        type: "line", name: s.name, connectNulls: false, symbolSize: 7,
        lineStyle: { type: s.planned ? "dashed" : "solid", width: 2 },
        data: s.values.map(function (v, i) {
          return { value: v, itemStyle: { color: s.planned ? COLOR.planned : statusColor(s.pass[i]) } };
        })
      };
      if (s.planned) series.color = COLOR.planned;
      if (index === 0) {
        var lines = [];
        if (spec.target) {
          lines.push({ yAxis: spec.target.value, label: { formatter: (spec.target.label || TEXT.target) + " " + spec.target.value, position: "insideEndTop" } });
        }
        if (spec.deadline) {
          lines.push({ xAxis: spec.deadline.x, lineStyle: { color: COLOR.target, type: "solid" }, label: { formatter: spec.deadline.label || (TEXT.deadline + " " + spec.deadline.x), position: "insideEndTop", color: COLOR.target } });
        }
        if (lines.length) {
          series.markLine = { silent: true, symbol: "none", lineStyle: { color: COLOR.line, type: "dashed", width: 1.5 }, label: { color: COLOR.line }, data: lines };
        }
      }
      return series;
    });
    return option;
  }

  // ------------------------------------------------------------------ (e) share passing against target points
  function progress(spec) {
    var option = base(spec);
    var years = spec.actual.map(function (a) { return a.x; }).concat(spec.targets.map(function (t) { return t.x; }));
    var first = Math.min.apply(null, years), last = Math.max.apply(null, years);
    option.legend = { top: 4, left: 0, right: 40 };
    option.grid.top = 64;  // room for the two-line labels of the target points above 100 %
    option.grid.right = 40;  // and the last one clear of the toolbox
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) {
      var item = p.seriesIndex === 0 ? spec.actual[p.dataIndex] : spec.targets[p.dataIndex];
      return escapeHtml(item.x + " · " + p.seriesName) + "<br>" + escapeHtml(item.display) + (item.label ? " " + escapeHtml(item.label) : "");
    };
    option.xAxis = {
      type: "value", min: first - (first === last ? 1 : 0), max: last + (first === last ? 1 : 0), minInterval: 1,
      axisLabel: { formatter: function (v) { return String(v); }, hideOverlap: true }, splitLine: { show: false }
    };
    option.yAxis = { type: "value", min: 0, max: 100, interval: 25, axisLabel: { formatter: "{value}%" } };
    option.series = [
      {
        type: "line", name: spec.actual_label, color: COLOR.main, symbolSize: 7,
        data: spec.actual.map(function (a) { return [a.x, a.value === null ? null : a.value * 100]; })
      },
      {
        type: "line", name: TEXT.target, color: COLOR.target, symbol: "diamond", symbolSize: 12,
        lineStyle: { type: "dotted", width: 1.5 },
        // the year too: the axis need not label every target's year
        label: { show: true, position: "top", color: COLOR.target, formatter: function (p) { var t = spec.targets[p.dataIndex]; return t.x + "\n" + t.display; } },
        data: spec.targets.map(function (t) {
          return { value: [t.x, t.value * 100], itemStyle: { color: t.met === true ? COLOR.pass : COLOR.target } };
        })
      }
    ];
    return option;
  }

  // ------------------------------------------------------------------ (f) small multiples
  // One ECharts instance with a grid per panel, laid out again for the figure's width (one column on a phone).
  function smallMultiples(spec, el) {
    var option = base(spec);
    var width = el.clientWidth || 320;
    var columns = Math.max(1, Math.min(spec.panels.length, Math.floor(width / 230)));
    var cell = 170, top = 36, gap = 26;
    var rowsCount = Math.ceil(spec.panels.length / columns);
    el.style.height = top + rowsCount * (cell + gap) + "px";
    option.title = [];
    option.grid = [];
    option.xAxis = [];
    option.yAxis = [];
    option.series = [];
    option.tooltip.trigger = "axis";
    option.tooltip.formatter = function (items) {
      var p = spec.panels[items[0].seriesIndex], i = items[0].dataIndex;
      return escapeHtml(p.title) + "<br>" + escapeHtml(spec.x[i]) + ": " + escapeHtml(withUnit(p.display[i], p.display[i] === "—" ? "" : p.unit));
    };
    var panelWidth = width / columns;
    spec.panels.forEach(function (p, index) {
      var column = index % columns, row = Math.floor(index / columns);
      var y = top + row * (cell + gap);
      option.title.push({
        text: p.title + (p.unit ? " (" + p.unit + ")" : ""),
        subtext: p.threshold ? TEXT.threshold + " " + (p.threshold.direction === "max" ? "≤ " : "≥ ") + p.threshold.value : "",
        itemGap: 2, subtextStyle: { fontSize: 11, color: COLOR.line },
        left: column * panelWidth + 4, top: y,
        textStyle: { fontSize: 13, fontWeight: 600, width: panelWidth - 16, overflow: "truncate" }
      });
      option.grid.push({
        left: column * panelWidth + 4, width: panelWidth - 28, top: y + 40, height: cell - 60,
        containLabel: true
      });
      var marks = marksOf(p.threshold);
      option.xAxis.push({ type: "category", gridIndex: index, data: spec.x, boundaryGap: false, axisLabel: { fontSize: 10, hideOverlap: true } });
      option.yAxis.push({ type: "value", gridIndex: index, scale: true, splitNumber: 3, max: axisMax(marks), min: axisMin(marks), axisLabel: { fontSize: 10, hideOverlap: true } });
      option.series.push({
        type: "line", xAxisIndex: index, yAxisIndex: index, color: COLOR.main, symbolSize: 6,
        data: p.values.map(function (v, i) { return { value: v, itemStyle: { color: statusColor(p.pass[i]) } }; }),
        markLine: p.threshold ? {
          silent: true, symbol: "none", label: { show: false },
          lineStyle: { color: COLOR.line, type: "dashed", width: 1.5 }, data: [{ yAxis: p.threshold.value }]
        } : undefined
      });
    });
    option.axisPointer = { link: [{ xAxisIndex: "all" }] };
    return option;
  }

  var BUILD = {
    bar_threshold: barThreshold,
    ranked_bar: rankedBar,
    histogram: histogram,
    line_target: lineTarget,
    progress: progress,
    small_multiples: smallMultiples
  };

  function toggleTable(figure, button) {
    var open = !figure.classList.contains("chart-table-open");
    figure.classList.toggle("chart-table-open", open);
    button.setAttribute("aria-expanded", String(open));
    button.textContent = button.getAttribute(open ? "data-label-hide" : "data-label-show");
  }

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var build = BUILD[spec.kind];
    if (!build) throw new Error("charts.js: unknown chart kind " + spec.kind);
    var el = document.createElement("div");
    el.className = "chart-canvas";
    el.setAttribute("aria-hidden", "true");  // the table below carries the numbers for screen readers
    source.parentNode.insertBefore(el, source);
    var chart = window.echarts.init(el, null, { renderer: "canvas", locale: zh ? "ZH" : "EN" });
    chart.setOption(build(spec, el));
    chart.resize();
    var entry = { figure: figure, el: el, chart: chart, spec: spec, width: el.clientWidth };
    charts.push(entry);
    figure.classList.add("chart-drawn");
    var button = figure.querySelector(".chart-toggle");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () { toggleTable(figure, button); });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(function () { relayout(entry); }).observe(el);
    }
  }

  function relayout(entry) {
    var width = entry.el.clientWidth;
    if (width === entry.width) return;
    entry.width = width;
    if (entry.spec.kind === "small_multiples") {
      entry.chart.setOption(smallMultiples(entry.spec, entry.el), { notMerge: true });
    }
    entry.chart.resize();
  }

  function drawAll() {
    figures.forEach(function (figure) {
      try {
        draw(figure);
      } catch (error) {
        // The table stays visible: the page still carries every number.
        figure.classList.remove("chart-drawn");
        if (window.console) window.console.error(error);
      }
    });
    window.addEventListener("resize", function () { charts.forEach(relayout); });
    // Print lays the page out at paper width; charts follow, without their toolbox, and the tables print
    // beside them (CSS).
    function forPrint(on) {
      printing = on;
      charts.forEach(function (entry) {
        entry.chart.setOption({ toolbox: { show: !on } });
        entry.width = null;
        relayout(entry);
      });
    }
    window.addEventListener("beforeprint", function () { forPrint(true); });
    window.addEventListener("afterprint", function () { forPrint(false); });
  }

  // Tests and other scripts find the instances here.
  window.junhengCharts = charts;

  if (window.echarts) {
    drawAll();
  } else {
    var library = document.createElement("script");
    library.src = script.getAttribute("data-echarts");
    library.onload = drawAll;
    document.head.appendChild(library);
  }
})();
