// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Buttons that ask before an irreversible action: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // A refused htmx request (the sign button, a mark, a recommendation, "more") is shown by the
  // form or link that sent it: htmx itself shows nothing of an answer 4xx or 5xx. The server
  // answers such a request with a fragment (core/_request_error.html). One it shed from a full
  // queue carried nothing out and names the seconds to wait (data-resend-after): the page sends
  // it again by itself after them, a few times at most, each time a little later than the
  // others who were refused with it, so that they do not all come back at once.
  var RESENDS = 3;
  var shown = new WeakMap(); // the element sending a request -> its shown refusal
  var resends = new WeakMap(); // -> how many times it was sent again in a row
  var timers = new WeakMap(); // -> the resend waiting to go
  var resending = new WeakSet(); // the elements this file is sending again at this moment
  var resent = new WeakSet(); // the elements whose request in flight this file sent again
  var submitters = new WeakMap(); // a form -> the button that last sent it (its name and value)

  document.addEventListener("submit", function (event) {
    if (event.submitter) {
      submitters.set(event.target, event.submitter);
    }
  }, true);

  function sender(element) {
    // htmx fires a form's events on the form; a list loaded when opened (who signed) on its
    // <details>. Any other element but a link or a button (a polling one: the live count, a
    // record being built) tries again by itself.
    return element.matches("form, a, button, details[hx-get]") ? element : null;
  }

  function show(host, node) {
    // The refusal shown, which is `node` or, for a resend refused in the same words, the one
    // there: an alert put in again would be read out again by a screen reader at each resend.
    // The person's own press is answered afresh, even in the same words.
    var old = shown.get(host);
    if (old && old.isConnected) {
      if (resent.has(host) && old.textContent === node.textContent) {
        return old;
      }
      old.replaceWith(node);
    } else if (host.tagName === "FORM" || host.tagName === "DETAILS") {
      host.append(node);
    } else {
      host.after(node);
    }
    shown.set(host, node);
    return node;
  }

  function forget(host) {
    var old = shown.get(host);
    if (old) {
      old.remove();
    }
    shown.delete(host);
    resends.delete(host);
  }

  function refusalIn(html) {
    var template = document.createElement("template");
    template.innerHTML = html || "";
    return template.content.querySelector("[data-request-error]");
  }

  function plainRefusal(text) {
    var node = document.createElement("div");
    node.className = "message message--error request-error";
    node.setAttribute("role", "alert");
    node.setAttribute("data-request-error", "");
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    node.append(paragraph);
    return node;
  }

  function send(host) {
    if (host.tagName === "DETAILS") {
      // Loaded once, when first opened: opened again it would not ask.
      // A lost connection is shown by htmx:sendError, below: the promise has nothing to add.
      window.htmx.ajax("GET", host.getAttribute("hx-get"), { source: host }).catch(function () {});
      return;
    }
    if (host.tagName !== "FORM") {
      host.click();
      return;
    }
    var button = submitters.get(host);
    if (button && button.isConnected && button.form === host) {
      // A click, not requestSubmit(button): htmx takes the button's name and value from the
      // last button clicked, and forgets it once the focus leaves.
      button.click();
    } else {
      host.requestSubmit();
    }
  }

  function sendAgain(host) {
    if (!host.isConnected) {
      return;
    }
    // htmx says it is sending (htmx:beforeRequest) before the call returns.
    resending.add(host);
    try {
      send(host);
    } finally {
      resending.delete(host);
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var host = sender(event.detail.elt);
    if (host) {
      clearTimeout(timers.get(host));
      if (resending.has(host)) {
        resent.add(host);
      } else {
        resent.delete(host);
        resends.delete(host); // the person's own press: three resends from now on
      }
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var host = sender(event.detail.elt);
    if (host && event.detail.successful) {
      forget(host);
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var host = sender(event.detail.elt);
    if (!host) {
      return;
    }
    var node = show(
      host,
      refusalIn(event.detail.xhr.responseText) || plainRefusal(document.body.dataset.requestFailed)
    );
    var seconds = parseInt(node.dataset.resendAfter, 10);
    if (!seconds) {
      resends.delete(host);
      return;
    }
    var sent = (resends.get(host) || 0) + 1;
    if (sent > RESENDS) {
      node.querySelector("[data-request-error-text]").textContent = node.dataset.gaveUp;
      resends.delete(host);
      return;
    }
    resends.set(host, sent);
    var wait = seconds * 1000 * (1 + Math.random() / 2);
    timers.set(host, setTimeout(sendAgain, wait, host));
  });

  // No answer at all: the connection was lost, or the server is down.
  document.addEventListener("htmx:sendError", function (event) {
    var host = sender(event.detail.elt);
    if (host) {
      resends.delete(host);
      show(host, plainRefusal(document.body.dataset.noAnswer));
    }
  });
})();
