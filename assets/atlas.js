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
