/* Counter-Trafficking Atlas: clientside behaviour (no server round trip). */

/* The words this script writes, in the page's language: the layout renders them as JSON in the
   hidden #atlas-words element (dashboard/layout.py JS_WORDS), English -> translation. A word it
   does not hold is written in English. {name} placeholders are filled from `values`. */
window.atlasWord = function (english, values) {
  if (!window.atlasWords) {
    try {
      const element = document.getElementById("atlas-words");
      if (element) window.atlasWords = JSON.parse(element.getAttribute("data-words") || "{}");
    } catch (error) {
      window.atlasWords = null; // no page (yet) or no words: English
    }
  }
  let text = (window.atlasWords && window.atlasWords[english]) || english;
  Object.keys(values || {}).forEach((name) => {
    text = text.split("{" + name + "}").join(String(values[name]));
  });
  return text;
};
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* The tables hold every row; these ids are the ones in view. The grids' external filter
       (atlasInView below) reads them; each grid is told to filter again once it is ready. */
    filterTables: function (ids) {
      window.atlasInView = new Set(ids || []);
      ["programs-grid", "routes-grid"].forEach((id) => {
        if (window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
          window.dash_ag_grid.getApiAsync(id).then((api) => api.onFilterChanged()).catch(() => {});
        }
      });
    },

    /* The language picker: the same view, made again in the language chosen (a new page load,
       as the server writes every word of it). */
    switchLanguage: function (language) {
      if (!language || language === document.documentElement.lang) return;
      const params = new URLSearchParams(window.location.search);
      params.set("lang", language);
      window.location.search = params.toString().replace(/%7E/g, "~");
    },

    /* The links to the data and the map of the view on screen: each keeps its path and takes the
       view's normalised query. */
    downloadLinks: function (query, ...hrefs) {
      return hrefs.map((href) => (href || "").split("?")[0] + (query || ""));
    },

    /* Presenter mode: full-screen map, large type, controls hidden; P or the button toggles it. */
    present: function (clicks, presenting) {
      const on = !presenting;
      const root = document.documentElement;
      if (on && root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
      if (!on && document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
      const graph = document.querySelector("#map .js-plotly-plot");
      if (graph && window.Plotly) window.Plotly.relayout(graph, { "hoverlabel.font.size": on ? 24 : 15 });
      // The class lands once this returns; going full screen resizes the window a little later.
      [0, 150, 500, 1000].forEach((ms) => window.setTimeout(window.atlasFitScreen, ms));
      return [on, on ? "atlas presenting" : "atlas", window.atlasWord(on ? "Leave (P)" : "Present (P)")];
    },

    /* The map as an image for slides, drawn by plotly.js in the browser from the figure on the
       page and the local TopoJSON: plotly's own key switched on, the view's title on top and the
       source line at the foot. */
    exportImage: function (png, svg, figure, title, sources) {
      const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
      const format = triggered.includes("export-svg.n_clicks") ? "svg" : "png";
      const layout = JSON.parse(JSON.stringify(figure.layout || {}));
      layout.showlegend = true;
      layout.legend = Object.assign({}, layout.legend, {
        orientation: "v", x: 1.0, xanchor: "left", y: 1, yanchor: "top", font: { size: 16 },
        grouptitlefont: { size: 17 }, bgcolor: "rgba(255,255,255,0.9)",
      });
      // plotly.js reads text as markup and fills %{...}: escape as dashboard.formatting.esc does.
      const esc = (text) => String(text).replace(/[&<>"'{]/g, (c) => "&#" + c.charCodeAt(0) + ";");
      const atlas = window.atlasWord("Counter-Trafficking Atlas");
      layout.title = { text: esc(title || atlas), x: 0.01, xanchor: "left", font: { size: 28 } };
      // The source line, wrapped at "; " so that a long one is not cut at the image's edge.
      const lines = [];
      ((sources || "") + " " + atlas + ".").split("; ").forEach((part, i, parts) => {
        const piece = part + (i < parts.length - 1 ? ";" : "");
        const last = lines.length - 1;
        if (last >= 0 && lines[last].length + piece.length < 190) lines[last] += " " + piece;
        else lines.push(piece);
      });
      layout.margin = { l: 10, r: 10, t: 70, b: 40 + 20 * lines.length };
      layout.annotations = [{
        text: lines.map(esc).join("<br>"), align: "left", showarrow: false, xref: "paper", yref: "paper",
        x: 0, y: -0.02, xanchor: "left", yanchor: "top", font: { size: 14, color: "#333" },
      }];
      layout.width = 1920;
      layout.height = 1080;
      // A continuous indicator's colour bar, drawn in the page's key, is plotly's own in the image.
      const data = (figure.data || []).map((t) => (t.colorbar ? Object.assign({}, t, { showscale: true }) : t));
      const spec = { data: data, layout: layout, config: { topojsonURL: "/assets/topojson/" } };
      const name = "atlas-" + (title || "map").toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60);
      return window.Plotly.downloadImage(spec, { format: format, width: 1920, height: 1080, filename: name })
        .then(() => window.atlasWord("Saved {file}", { file: name + "." + format }))
        .catch((error) => window.atlasWord("Could not draw the image: {error}", { error: error }));
    },

    /* Step through the deck: next, previous, or a view picked from the list. The map fades
       out and back in as the new view is drawn. */
    deckStep: function (next, prev, opened, deck, index) {
      const noUpdate = window.dash_clientside.no_update;
      const views = (deck && deck.views) || [];
      if (!views.length) return [noUpdate, noUpdate];
      const triggered = window.dash_clientside.callback_context.triggered_id;
      // -1 (a deck just loaded) is before the first view: the first Right shows view 1; past
      // the end stays on the last.
      let at = typeof index === "number" && index >= -1 ? Math.min(index, views.length - 1) : -1;
      if (triggered === "deck-next") at = Math.min(at + 1, views.length - 1);
      else if (triggered === "deck-prev") at = Math.max(at - 1, 0);
      else if (triggered && typeof triggered === "object") {
        if (!(opened || []).some((n) => n)) return [noUpdate, noUpdate];
        at = triggered.index;
      }
      if (!views[at]) return [noUpdate, noUpdate];
      // The saved state is the view's URL parameters, written by Python in the order they are
      // declared (dashboard/state.py PARAMETERS): no list of them is needed here.
      const state = views[at].state || {};
      const query = Object.keys(state).map((k) => encodeURIComponent(k) + "=" +
        encodeURIComponent(state[k]).replace(/%7E/g, "~")).join("&");
      const root = document.getElementById("atlas-root");
      if (root) {
        root.classList.add("stepping");
        window.setTimeout(() => root.classList.remove("stepping"), 450);
      }
      return [query ? "?" + query : "", at];
    },

    /* Play steps through the indicator's years, one every PLAY_STEP_MS, and stops at the last. */
    play: function (clicks, ticks, year, options, disabled) {
      const noUpdate = window.dash_clientside.no_update;
      const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
      const years = (options || []).map((o) => o.value).sort((a, b) => a - b);
      const playWord = window.atlasWord("▶ Play");
      const pauseWord = window.atlasWord("⏸ Pause");
      if (!years.length) return [noUpdate, true, playWord];
      if (triggered.includes("play.n_clicks")) {
        if (!disabled) return [noUpdate, true, playWord];
        const start = year === years[years.length - 1] ? years[0] : year;
        return [start === year ? noUpdate : start, false, pauseWord];
      }
      const at = years.indexOf(year);
      if (at < 0 || at >= years.length - 1) return [noUpdate, true, playWord];
      const last = at + 1 === years.length - 1;
      return [years[at + 1], last, last ? playWord : pauseWord];
    },
  },
});

/* Presenter mode fits the key into the room the stylesheet gives it: at its full size if it fits,
   else smaller, down to a floor a room can still read (0.85: 27 px, cap 19 px at 1080), then in two columns
   (beside the map: as narrow as they can be, at the floor), then smaller rather than cut off.
   Under the map (4:3 screens) "fits" means no more than 40% of the height. Then the map is
   redrawn to the room left. Runs on entering presenter mode, on resize and when the key or
   the profile changes (a deck step). */
window.atlasFitScreen = function () {
  const root = document.getElementById("atlas-root");
  const key = document.getElementById("legend");
  const graph = document.querySelector("#map .js-plotly-plot");
  if (!root || !key) return;
  const presenting = root.classList.contains("presenting");
  const set = function (scale, two) {
    key.style.setProperty("--atlas-key-scale", String(scale));
    key.classList.toggle("atlas-key-two", two);
  };
  set(1, false);
  if (presenting) {
    const row = key.parentElement;
    const map = document.getElementById("map");
    const under = key.getBoundingClientRect().top >= map.getBoundingClientRect().bottom - 1;
    const fits = function () {
      if (under) return key.offsetHeight <= 0.4 * row.clientHeight;
      return key.scrollHeight <= key.clientHeight + 1 && key.scrollWidth <= key.clientWidth + 1;
    };
    // One column as long as the key's type stays readable from the back of the room (a cap height
    // of 6.5 minutes of arc on a screen 687.5 minutes wide, seen from 15 m: about 0.73 of the
    // font size); a second column, which takes the map's width, only below that.
    const minute = window.innerWidth / 687.5;
    const full = parseFloat(getComputedStyle(key).fontSize) || 1;
    const least = Math.min(0.85, Math.max(0.5, (6.5 * minute) / 0.73 / full));
    const steps = [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5];
    const floor = steps.filter((scale) => scale >= least - 1e-9);
    const below = steps.filter((scale) => scale < 0.85);
    const tries = under
      ? steps.map((scale) => [scale, false])
      : floor.map((scale) => [scale, false]).concat([0.85].concat(below).map((scale) => [scale, true]));
    tries.some(function (t) {
      set(t[0], t[1]);
      return fits();
    });
  }
  if (graph && window.Plotly) window.Plotly.Plots.resize(graph);
};

(function () {
  let pending = false;
  const refit = function () {
    const root = document.getElementById("atlas-root");
    if (pending || !root || !root.classList.contains("presenting")) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      window.atlasFitScreen();
    });
  };
  window.addEventListener("resize", refit);
  // The key's and the profile's content only (not their attributes, which the fit itself sets).
  const watch = function () {
    const row = document.querySelector(".atlas-map-row");
    if (!row) return window.setTimeout(watch, 200);
    ["legend", "profile", "view-title", "source-line"].forEach(function (id) {
      const element = document.getElementById(id);
      if (element) new MutationObserver(refit).observe(element, { childList: true, subtree: true, characterData: true });
    });
  };
  window.addEventListener("load", watch);
})();

/* Keys: Esc closes an open country profile; P toggles presenter mode; in presenter mode
   Left/Right and Page Up/Page Down (what slide clickers send) step through the saved views. */
document.addEventListener("keydown", function (event) {
  const target = event.target;
  const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  const click = function (id) {
    const element = document.getElementById(id);
    if (element) { element.click(); event.preventDefault(); }
  };
  if (event.key === "Escape") {
    const close = document.getElementById("profile-close");
    if (close && close.offsetParent !== null) close.click();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "p" || event.key === "P") return click("present");
  if (!document.getElementById("atlas-root").classList.contains("presenting")) return;
  if (event.key === "ArrowRight" || event.key === "PageDown") return click("deck-next");
  if (event.key === "ArrowLeft" || event.key === "PageUp") return click("deck-prev");
});

/* On a phone the filters start folded away, like a drawer; the summary line opens them. */
window.addEventListener("load", function () {
  const fold = function () {
    const drawer = document.getElementById("filters-drawer");
    if (!drawer) return window.setTimeout(fold, 200);
    if (window.matchMedia("(max-width: 700px)").matches) drawer.open = false;
  };
  fold();
});

/* Dash 4's dropdown puts keyboard focus on a hidden input marked aria-hidden: a screen reader
   then meets a focusable element it is told to ignore. Give that input the dropdown's name
   instead, and keep doing so as Dash re-renders. */
(function () {
  const mend = function () {
    document.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (input) {
      const button = input.parentElement && input.parentElement.querySelector("button.dash-dropdown");
      const label = button && document.querySelector('label[for="' + button.id + '"]');
      input.removeAttribute("aria-hidden");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-expanded", button ? button.getAttribute("aria-expanded") || "false" : "false");
      if (label) input.setAttribute("aria-label", label.textContent);
    });
    /* dcc.Upload's file input has no name of its own either. */
    document.querySelectorAll("#deck-upload input[type=file]:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", window.atlasWord("Load a deck file (.json)"));
    });
  };
  new MutationObserver(mend).observe(document.documentElement, { childList: true, subtree: true });
})();

/* AG Grid's external filter for the tables (dashGridOptions.doesExternalFilterPass). Until the
   ids in view are known, every row passes. */
window.dashAgGridFunctions = Object.assign({}, window.dashAgGridFunctions, {
  atlasInView: (params) => !window.atlasInView || window.atlasInView.has(params.data.id),
});

/* A cell that shows the data as its source wrote it (a program's name, a partner, a source):
   marked lang="en" so that a screen reader reads it in English on a page in another language;
   the atlas's own words in such a column ("desconocido" where the data says nothing) are not. */
window.dashAgGridComponentFunctions = Object.assign({}, window.dashAgGridComponentFunctions, {
  DataText: (props) => {
    const own = (props.colDef.cellRendererParams || {}).atlasWords || [];
    const lang = own.includes(props.value) ? undefined : "en";
    return React.createElement("span", { lang: lang }, props.value);
  },
});

/* Editing the deck from the keyboard. The deck's list is drawn again after each change, which
   drops the focus: the control pressed says where the focus goes next (the same button on the
   view's new place, Undo after a delete, the title's button after a rename), and it is given
   there once that element is on the page. Alt+Up / Alt+Down on an item move it. Escape in the
   title box cancels the rename. Loading over saved views asks first: the focus goes to Cancel. */
(function () {
  const byId = (type, index) => document.getElementById(JSON.stringify({ index: index, type: type }));
  // want: where the focus goes; inList: only once the list is drawn again (the old list has
  // elements of the same ids).
  let want = null;
  const aim = function (find, inList) {
    want = { find: find, inList: !!inList, until: Date.now() + 5000 };
    if (!inList) settle([]);
  };
  const settle = function (records) {
    if (!want) return;
    if (Date.now() > want.until) { want = null; return; }
    const list = document.getElementById("deck-list");
    if (want.inList && !records.some((r) => list && list.contains(r.target))) return;
    const element = want.find();
    if (element && !element.disabled && element.offsetParent !== null) {
      element.focus();
      want = null;
    }
  };
  const enabled = (...elements) => elements.find((e) => e && !e.disabled) || null;
  document.addEventListener("click", function (event) {
    const button = event.target && event.target.closest && event.target.closest("button");
    if (!button || !button.id) return;
    if (button.id === "deck-example") return aim(() => document.getElementById("deck-cancel"));
    if (button.id === "deck-replace" || button.id === "deck-cancel") {
      return aim(() => document.getElementById("deck-example"));
    }
    if (button.id[0] !== "{") return;
    let id;
    try { id = JSON.parse(button.id); } catch (error) { return; }
    const i = id.index;
    if (id.type === "deck-up") aim(() => enabled(byId("deck-up", i - 1), byId("deck-down", i - 1)), true);
    else if (id.type === "deck-down") aim(() => enabled(byId("deck-down", i + 1), byId("deck-up", i + 1)), true);
    else if (id.type === "deck-delete") aim(() => document.getElementById("deck-undo"));
    else if (id.type === "deck-rename-ok" || id.type === "deck-rename-cancel") aim(() => byId("deck-rename", i), true);
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.closest && event.target.closest("#deck-upload")) {
      aim(() => document.getElementById("deck-cancel"));
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    const item = event.target && event.target.closest && event.target.closest("#deck-list li[data-index]");
    if (!item) return;
    const i = Number(item.getAttribute("data-index"));
    if (event.key === "Escape" && event.target.tagName === "INPUT") {
      const cancel = byId("deck-rename-cancel", i);
      if (cancel) { cancel.click(); event.preventDefault(); }
      return;
    }
    if (event.key === "Enter" && event.target.tagName === "INPUT") {
      aim(() => byId("deck-rename", i), true);
      return;
    }
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const button = byId(event.key === "ArrowUp" ? "deck-up" : "deck-down", i);
    if (button && !button.disabled) button.click();
    event.preventDefault();
  });
  new MutationObserver(settle).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["hidden", "disabled"],
  });
})();
