// Site pages: small progressive enhancements of our own. Everything works without them.
(function () {
  "use strict";

  function say(form, text) {
    var status = form.querySelector(".busy-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "busy-status";
      status.setAttribute("role", "status");
      form.appendChild(status);
    }
    status.textContent = text;
    return status;
  }

  function busy(form) {
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    say(form, form.getAttribute("data-busy") || "Working…");
  }

  function megabytes(size) {
    return (size / 1048576).toFixed(size < 10485760 ? 1 : 0) + " MB";
  }

  // A large upload: send it ourselves to show how far it got. The server answers such a
  // request with where to go next ({"location": ...}) or with the form and its error.
  function upload(form, event) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file || file.size < 262144 || !window.XMLHttpRequest || !window.FormData) {
      return;
    }
    event.preventDefault();
    busy(form);
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    form.appendChild(bar);
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Upload-Progress", "1");
    request.upload.onprogress = function (progress) {
      if (progress.lengthComputable) {
        var percent = Math.round((100 * progress.loaded) / progress.total);
        bar.value = percent;
        say(form, "Uploading " + percent + " % of " + megabytes(progress.total) + "…");
      }
    };
    request.upload.onload = function () {
      bar.removeAttribute("value");
      say(form, "Uploaded. Reading the content…");
    };
    request.onload = function () {
      var type = request.getResponseHeader("Content-Type") || "";
      if (type.indexOf("application/json") === 0) {
        window.location.assign(JSON.parse(request.responseText).location);
        return;
      }
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      document.title = page.title;
      document.body.replaceWith(page.body);
      enhance(document);
      var alert = document.querySelector("[role=alert]");
      if (alert) {
        alert.setAttribute("tabindex", "-1");
        alert.focus();
      }
    };
    request.onerror = function () {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
      bar.remove();
      say(form, "The upload did not reach the app (network error). Please try again.");
    };
    request.send(new FormData(form));
  }

  // The generated page framed in the app: as tall as its content, no scroll inside.
  function fit(frame) {
    try {
      frame.style.height = "";  // measured afresh, so that it can also shrink
      var height = frame.contentDocument.documentElement.scrollHeight;
      if (height > 0) {
        frame.style.height = height + 2 + "px";
      }
    } catch (error) {
      // Not readable (another origin): it keeps its own scrolling.
    }
  }

  function enhance(root) {
    root.querySelectorAll("form[data-busy], form[data-upload]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("aria-busy") === "true") {
          event.preventDefault(); // sent already: a second click changes nothing
          return;
        }
        if (form.hasAttribute("data-upload")) {
          upload(form, event);
          if (event.defaultPrevented) {
            return;
          }
        }
        busy(form);
      });
    });
    root.querySelectorAll("iframe.page-frame").forEach(function (frame) {
      frame.addEventListener("load", function () {
        fit(frame);
        try {
          // An answer opened (details) or an image loaded: the page changed height.
          frame.contentDocument.addEventListener("toggle", function () { fit(frame); }, true);
          frame.contentDocument.addEventListener("load", function () { fit(frame); }, true);
        } catch (error) {
          // Not readable: it keeps its own scrolling.
        }
      });
      window.addEventListener("resize", function () { fit(frame); });
      fit(frame);
    });
    root.querySelectorAll("time[datetime]").forEach(function (time) {
      var then = Date.parse(time.getAttribute("datetime"));
      if (isNaN(then) || time.querySelector(".ago")) {
        return;
      }
      var minutes = Math.round((Date.now() - then) / 60000);
      var text = minutes < 1 ? "just now" : minutes < 60 ? minutes + " minutes ago"
        : minutes < 1440 ? Math.round(minutes / 60) + " hours ago"
        : Math.round(minutes / 1440) + " days ago";
      var ago = document.createElement("span");
      ago.className = "ago";
      ago.textContent = " (" + text + ")";
      time.appendChild(ago);
    });
  }

  enhance(document);
  // A page shown again from the browser's history: forms usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[aria-busy]").forEach(function (form) {
        form.removeAttribute("aria-busy");
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = false;
        });
      });
    }
  });
})();
