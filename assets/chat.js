// The chat room, live. The page works without this: messages are sent by a plain form and
// "Check for new messages" loads the page again. With it, new messages are added to the log
// as they are written (the log is a polite live region, so each addition is read out once
// and the history is not read again), and sending does not reload the page. Focus stays
// where the reader put it.
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  if (!log || !log.dataset.events || typeof EventSource === "undefined") {
    return;
  }
  var status = document.getElementById("chat-status");
  var state = document.getElementById("chat_state");

  function list() {
    var ol = log.querySelector("ol.thread");
    if (!ol) {
      ol = document.createElement("ol");
      ol.className = "thread";
      var none = log.querySelector("p");
      if (none) {
        none.remove();
      }
      log.appendChild(ol);
    }
    return ol;
  }

  function add(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var item = template.content.firstElementChild;
    if (!item || (item.id && document.getElementById(item.id))) {
      return;
    }
    list().appendChild(item);
  }

  var url = log.dataset.events + "?after=" + encodeURIComponent(log.dataset.last || "0");
  var source = new EventSource(url);
  source.addEventListener("message", function (event) {
    add(event.data);
  });
  source.addEventListener("ended", function (event) {
    source.close();
    if (state) {
      state.textContent = event.data;
    }
    if (status) {
      status.textContent = event.data;
    }
    // What only an open room can do stays in place, so focus stays where it is, and is
    // marked as no longer working; pressing it anyway shows the page saying why.
    document.querySelectorAll("[data-chat-while-open] textarea").forEach(function (box) {
      box.readOnly = true;
    });
    document
      .querySelectorAll("[data-chat-while-open] button, [data-chat-while-open] input[type=checkbox]")
      .forEach(function (control) {
        control.setAttribute("aria-disabled", "true");
      });
  });

  // Sending without leaving the page. A message the room refuses (empty, too long, the
  // session over) is sent again as a plain form, so the page explains why and keeps it.
  document.querySelectorAll("form[data-chat-send]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.name) {
        return;
      }
      event.preventDefault();
      var box = form.querySelector("textarea");
      var body = new URLSearchParams(new FormData(form));
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
      }).then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 303) {
          if (box) {
            box.value = "";
          }
        } else {
          form.submit();
        }
      }, function () {
        form.submit();
      });
    });
  });
})();
