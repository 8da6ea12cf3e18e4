/* Counter-Trafficking Atlas: clientside behaviour (no server round trip). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* Play steps through the indicator's years, one every PLAY_STEP_MS, and stops at the last. */
    play: function (clicks, ticks, year, options, disabled) {
      const noUpdate = window.dash_clientside.no_update;
      const triggered = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id);
      const years = (options || []).map((o) => o.value).sort((a, b) => a - b);
      if (!years.length) return [noUpdate, true, "▶ Play"];
      if (triggered.includes("play.n_clicks")) {
        if (!disabled) return [noUpdate, true, "▶ Play"];
        const start = year === years[years.length - 1] ? years[0] : year;
        return [start === year ? noUpdate : start, false, "⏸ Pause"];
      }
      const at = years.indexOf(year);
      if (at < 0 || at >= years.length - 1) return [noUpdate, true, "▶ Play"];
      const last = at + 1 === years.length - 1;
      return [years[at + 1], last, last ? "▶ Play" : "⏸ Pause"];
    },
  },
});

/* Esc closes an open country profile, wherever the focus is. */
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  const close = document.getElementById("profile-close");
  if (close && close.offsetParent !== null) close.click();
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
  };
  new MutationObserver(mend).observe(document.documentElement, { childList: true, subtree: true });
})();
