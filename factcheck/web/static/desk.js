// Keyboard shortcuts of the review desk: the same keys as `factcheck review` in the terminal.
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function focus(id) {
    var element = byId(id);
    if (element) {
      element.focus();
      if (element.select) element.select();
    }
  }

  function follow(id) {
    var link = byId(id);
    if (link) window.location.assign(link.href);
  }

  var keys = {
    a: function () {
      var form = byId("approve-form");
      if (form) form.requestSubmit();
    },
    r: function () { focus("reject-reason"); },
    v: function () { focus("verdict-choice"); },
    e: function () { focus("claim-reviewed"); },
    c: function () {
      var button = document.querySelector("button.cite.best") || document.querySelector("button.cite");
      if (button) {
        button.focus();
        button.scrollIntoView({ block: "center" });
      }
    },
    s: function () { follow("next-note"); },
    b: function () { follow("previous-note"); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      if (event.key === "Escape") target.blur();
      return;
    }
    if (document.body.dataset.page !== "note") return;
    var action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
