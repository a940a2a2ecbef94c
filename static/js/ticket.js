// The ticket page: a Print button, and the print dialog on load when asked (?print=1).
(function () {
  "use strict";
  var ticket = document.querySelector("[data-testid=ticket]");
  var button = document.querySelector("[data-action=print]");
  if (button) button.addEventListener("click", function () { window.print(); });
  if (ticket && ticket.dataset.autoPrint === "1") window.addEventListener("load", function () { window.print(); });
})();
