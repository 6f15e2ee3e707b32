// Shaobao console charts: statistics trends, the district map and the wall screen, drawn with the
// vendored ECharts from JSON the server puts in data attributes or answers at /map/data and
// /wall/data. No inline script (CSP), no tiles, nothing fetched from outside.
(function () {
  "use strict";
  var COLORS = { running: "#2e7d32", approaching: "#ef6c00", breached: "#c62828", supervised: "#8e24aa" };
  var SIZES = { emergency: 16, utility: 12, complex: 11, ordinary: 9 };

  function json(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "null"); } catch (e) { return null; }
  }

  function trend(el) {
    var data = json(el, "data-series");
    if (!data || !window.echarts) return;
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.months },
      yAxis: [{ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}" } }],
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // Streets as GeoJSON polygons (a small square around a centre when the file has no boundary).
  function geojson(streets) {
    return {
      type: "FeatureCollection",
      features: streets.filter(function (s) { return s.boundary.length >= 3 || s.centre; }).map(function (s) {
        var ring = s.boundary.length >= 3 ? s.boundary.slice() : (function (c) {
          var d = 0.004;
          return [[c[0] - d, c[1] - d], [c[0] + d, c[1] - d], [c[0] + d, c[1] + d], [c[0] - d, c[1] + d]];
        })(s.centre);
        ring.push(ring[0]);
        return { type: "Feature", properties: { name: s.name }, geometry: { type: "Polygon", coordinates: [ring] } };
      })
    };
  }

  function drawMap(el, data, dark, labels) {
    if (!window.echarts) return null;
    echarts.registerMap("district", geojson(data.streets));
    var chart = echarts.getInstanceByDom(el) || echarts.init(el);
    // Heat comes as [lon, lat, cases] per place; full colour at the busiest tenth of a place.
    var weights = data.heat.map(function (h) { return h[2]; }).sort(function (a, b) { return a - b; });
    var maxHeat = Math.max(2, weights.length ? weights[Math.floor(weights.length * 0.9)] : 2);
    var categories = data.categories || {};
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return p.data && p.data.label ? p.data.label : p.name; } },
      visualMap: { show: false, min: 0, max: maxHeat, seriesIndex: 0, inRange: { color: ["rgba(255,235,59,0.25)", "rgba(255,152,0,0.6)", "rgba(211,47,47,0.85)"] } },
      geo: {
        map: "district", roam: !dark, layoutCenter: ["50%", "50%"], layoutSize: "96%",
        label: { show: true, color: dark ? "#cfd8dc" : "#37474f", fontSize: dark ? 16 : 12 },
        itemStyle: { areaColor: dark ? "#1c2a3a" : "#eef3f8", borderColor: dark ? "#5c7a99" : "#90a4ae", borderWidth: 1.5 },
        emphasis: { disabled: true }
      },
      series: [
        { name: labels.heat || "heat", type: "heatmap", coordinateSystem: "geo", data: data.heat, pointSize: 14, blurSize: 22 },
        {
          name: labels.open || "open", type: "scatter", coordinateSystem: "geo",
          data: data.points.map(function (p) {
            return {
              value: [p.lon, p.lat], case_id: p.case_id, label: (categories[p.category] || p.category) + " · " + p.state,
              symbolSize: SIZES[p.urgency] || 9,
              itemStyle: { color: COLORS[p.alert] || COLORS.running, borderColor: "#fff", borderWidth: 1, opacity: p.approximate ? 0.75 : 1 }
            };
          })
        }
      ]
    }, true);
    el.setAttribute("data-points", String(data.points.length));
    chart.off("click");
    chart.on("click", function (p) {
      if (p.data && p.data.case_id) window.location.href = "/cases/" + p.data.case_id;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function map(el) {
    var labels = json(el, "data-labels") || {};
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { drawMap(el, data, false, labels); el.setAttribute("data-ready", "true"); });
  }

  // ---- the wall screen -------------------------------------------------------------------
  function text(tag, cls, content) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (content !== undefined) el.textContent = content;
    return el;
  }
  function panel(name) { return document.querySelector('[data-panel="' + name + '"]'); }
  function bars(el, items, horizontal) {
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, "dark");
    var names = items.map(function (i) { return i.name; }), values = items.map(function (i) { return i.value; });
    var category = { type: "category", data: names, axisLabel: { fontSize: 15, color: "#cfd8dc", interval: 0 } };
    var value = { type: "value", axisLabel: { fontSize: 14 }, splitLine: { lineStyle: { color: "#263445" } } };
    chart.setOption({
      animation: false, backgroundColor: "transparent",
      // Room above the tallest bar for its figure.
      grid: { left: horizontal ? 120 : 40, right: 24, top: horizontal ? 16 : 30, bottom: horizontal ? 24 : 40 },
      xAxis: horizontal ? value : category, yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: values, itemStyle: { color: "#ef5350" }, label: { show: true, position: horizontal ? "right" : "top", fontSize: 16, color: "#fff" } }]
    }, true);
  }
  function kpis(data, words) {
    var el = panel("kpis");
    el.textContent = "";
    var total = data.today_intake.reduce(function (s, i) { return s + i.value; }, 0);
    [[words.open, data.open.open, ""], [words.breached, data.open.breached, "bad"], [words.supervised, data.open.supervised, "warn"],
     [words.today, total, ""],
     [words.composite + " " + data.month, data.composite === null ? "—" : data.composite.toFixed(1), "good"]].forEach(function (k) {
      var box = text("div", "kpi " + k[2]);
      box.appendChild(text("span", "kpi-value", String(k[1])));
      box.appendChild(text("span", "kpi-label", k[0]));
      el.appendChild(box);
    });
  }
  function rates(data) {
    var el = panel("rates");
    el.textContent = "";
    data.rates.forEach(function (r) {
      var row = text("div", "rate");
      row.appendChild(text("span", "rate-name", r.name));
      row.appendChild(text("span", "rate-value", r.value === null ? "—" : r.value.toFixed(1) + "%"));
      el.appendChild(row);
    });
  }
  function ranking(data) {
    var el = panel("ranking");
    el.textContent = "";
    var list = text("ol", "wall-ranking");
    data.street_ranking.forEach(function (r) {
      var li = text("li", r.rank ? "" : "unranked");
      li.appendChild(text("span", "rank", r.rank ? String(r.rank) : "—"));
      li.appendChild(text("span", "name", r.name));
      li.appendChild(text("span", "score", r.composite === null ? "—" : r.composite.toFixed(1)));
      list.appendChild(li);
    });
    el.appendChild(list);
  }
  function wall(body) {
    var labels = json(body, "data-event-labels") || {}, words = json(body, "data-words") || {};
    var pending = null, last = 0;
    function refresh() {
      pending = null; last = Date.now();
      fetch(body.getAttribute("data-wall"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          kpis(data, words); rates(data); ranking(data);
          bars(panel("intake"), data.today_intake, false);
          bars(panel("states"), data.open_by_state, true);
          bars(panel("categories"), data.top_categories, true);
          drawMap(panel("map"), data.map, true, {});
          body.setAttribute("data-updated", String(Date.now()));
        })
        .catch(function () { /* keep the last picture; the next change or minute tries again */ });
    }
    function soon() {
      if (pending) return;
      pending = setTimeout(refresh, Math.max(0, 3000 - (Date.now() - last)));
    }
    function tick(notices) {
      var list = panel("ticker");
      notices.forEach(function (n) {
        var label = labels[n.event_type];
        if (!label) return;
        var li = text("li");
        li.setAttribute("data-event-type", n.event_type);
        li.appendChild(text("time", "", new Date().toLocaleTimeString("zh-CN", { hour12: false })));
        li.appendChild(text("span", "what", label));
        li.appendChild(text("span", "case", n.case_id.slice(0, 8)));
        list.insertBefore(li, list.firstChild);
      });
      while (list.children.length > 40) list.removeChild(list.lastChild);
    }
    function listen() {
      var source = new EventSource(body.getAttribute("data-live"));
      var offline = document.getElementById("wall-offline");
      source.addEventListener("open", function () { offline.hidden = true; soon(); });
      source.addEventListener("error", function () { offline.hidden = false; });
      source.addEventListener("change", function (e) {
        try { tick(JSON.parse(e.data)); } catch (err) { /* a malformed notice is skipped */ }
        soon();
      });
    }
    function clock() {
      document.getElementById("wall-clock").textContent = new Date().toLocaleString("zh-CN", { hour12: false });
    }
    refresh(); listen(); clock();
    setInterval(clock, 1000);
    setInterval(refresh, 60000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('[data-chart="trend"]').forEach(trend);
    document.querySelectorAll('[data-chart="map"]').forEach(map);
    if (document.body.classList.contains("wall")) wall(document.body);
  });
})();
