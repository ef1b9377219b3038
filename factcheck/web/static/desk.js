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

  var sent = false;  // one action per page: a second press of a key must not post a stale version

  function submit(id) {
    var form = byId(id);
    if (form && !sent) form.requestSubmit();
  }

  document.addEventListener("submit", function (event) {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    var buttons = event.target.querySelectorAll("button");
    // After the form's data is taken (a disabled button's name and value would be left out of it).
    window.setTimeout(function () {
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    }, 0);
  }, true);

  function verdict(number) {
    return function () {
      var choice = byId("verdict-choice");
      if (!choice || number > choice.options.length) return;
      choice.selectedIndex = number - 1;
      submit("verdict-form");
    };
  }

  var keys = {
    a: function () { submit("approve-form"); },
    u: function () { submit("undo-form"); },
    1: verdict(1),
    2: verdict(2),
    3: verdict(3),
    4: verdict(4),
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
    if (document.body.dataset.page === "queue") {
      queueKey(event);
      return;
    }
    if (document.body.dataset.page !== "note") return;
    var action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // The queue: j and k move between lines, Enter opens the current one, x ticks it.
  var current = -1;

  function queueKey(event) {
    var lines = document.querySelectorAll("tr.queue-line");
    if (!lines.length) return;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      if (current >= 0 && lines[current]) lines[current].classList.remove("current");
      current = Math.max(0, Math.min(lines.length - 1, current + (event.key === "j" ? 1 : -1)));
      lines[current].classList.add("current");
      lines[current].scrollIntoView({ block: "nearest" });
      var link = lines[current].querySelector("a.note-link");
      if (link) link.focus();
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      window.location.assign(lines[current].dataset.href);
    } else if (event.key === "x" && current >= 0) {
      event.preventDefault();
      var box = lines[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    }
  }

  // Times are sent in UTC and shown in the reader's own time zone.
  var times = document.querySelectorAll("time[datetime]");
  for (var t = 0; t < times.length; t++) {
    var when = new Date(times[t].getAttribute("datetime"));
    if (!isNaN(when.getTime())) {
      times[t].textContent = when.toLocaleString(undefined, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
    }
  }

  // The jobs page: the progress of a running job, read every second until it is done.
  var job = byId("job");
  if (job && (job.dataset.status === "queued" || job.dataset.status === "running")) {
    var poll = function () {
      fetch("/jobs/" + job.dataset.job + "?format=json", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          byId("job-status").textContent = state.shown_status;
          byId("job-status").className = "status status-" + state.status;
          byId("job-progress").value = state.percent;
          byId("job-count").textContent = state.total ? state.done + " of " + state.total : "";
          byId("job-item").textContent = state.item;
          if (state.status === "done" || state.status === "failed") {
            window.location.reload();  // the finished job as the desk shows it, with every error listed
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
})();
