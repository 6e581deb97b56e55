// Applies the saved theme before first paint (external file so a strict CSP can forbid inline scripts).
(function () {
  try {
    var p = localStorage.getItem("interviewos:theme");
    if (p !== "light" && p !== "dark") p = "system";
    var dark = p === "dark" || (p === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    var r = document.documentElement;
    r.dataset.theme = dark ? "dark" : "light";
    r.dataset.themePreference = p;
    r.style.colorScheme = dark ? "dark" : "light";
  } catch (e) {
    /* storage unavailable: default light */
  }
})();
