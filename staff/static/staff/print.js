// The "Print" button of the backup-code page (no inline script: the Content-Security-Policy forbids it).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
