// A server-rendered form's error summary takes focus, so a screen reader announces the problem.
// (A file, not an inline script: the Content Security Policy allows only this site's scripts.)
document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
});
