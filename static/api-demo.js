// A minimal client of the app's JSON API, written the way a single-page frontend drives
// it: connect, list intents, generate, show a page's fragment, follow its hash links,
// restore the session from localStorage on reload, disconnect. Used by the API's
// browser test; see docs/api.md.
(function () {
  "use strict";
  var state = { sessionId: null, intents: [] };
  var main = document.getElementById("main-content");

  function api(path, body) {
    var options = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    };
    return fetch("/api/" + path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || "Request failed: " + response.status);
        }
        return data;
      });
    });
  }

  function show(connected) {
    document.getElementById("connect-screen").hidden = connected;
    document.getElementById("app-screen").hidden = !connected;
    document.getElementById("disconnect").hidden = !connected;
  }

  function applySite(data) {
    state.sessionId = data.sessionId;
    state.intents = data.intents;
    // The API sends text fields HTML-escaped, ready for innerHTML, as the old frontend uses them.
    document.getElementById("site-title").innerHTML = data.siteName;
    Object.keys(data.themeColors).forEach(function (name) {
      document.documentElement.style.setProperty("--theme-" + name, data.themeColors[name]);
    });
    show(true);
  }

  function renderHome() {
    var list = document.createElement("ul");
    list.className = "intents";
    main.innerHTML = "";
    main.appendChild(list);
    state.intents.forEach(function (intent) {
      var item = document.createElement("li");
      item.id = "intent-" + intent.id;
      item.innerHTML = "<strong>" + intent.icon + " " + intent.title + "</strong><p>" +
        intent.description + "</p>";
      var action = document.createElement("div");
      item.appendChild(action);
      list.appendChild(item);
      api("page-status/" + intent.id).then(function (status) {
        if (status.generated) {
          action.innerHTML = '<a href="#' + intent.id + '">View page</a>';
          return;
        }
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = "Generate";
        button.addEventListener("click", function () {
          button.disabled = true;
          button.textContent = "Generating…";
          api("generate-page", {
            sessionId: state.sessionId, intentId: intent.id, dataPath: intent.dataPath
          }).then(function (done) {
            location.hash = done.hash;
          }).catch(function (error) {
            action.textContent = "Error: " + error.message;
          });
        });
        action.appendChild(button);
      });
    });
  }

  function renderPage(id) {
    return api("page/" + encodeURIComponent(id)).then(function (data) {
      main.innerHTML = data.html;
    }).catch(function (error) {
      var detail = id.split("-detail-");
      if (detail.length === 2) {
        return api("generate-detail-page", {
          sessionId: state.sessionId, intentId: detail[0], itemId: detail[1], itemData: {}
        }).then(function () { return renderPage(id); });
      }
      main.innerHTML = "";
      var message = document.createElement("p");
      message.className = "error";
      message.textContent = error.message;
      main.appendChild(message);
    });
  }

  function route() {
    if (!state.sessionId) {
      return;
    }
    var id = location.hash.replace(/^#/, "");
    if (id) {
      renderPage(id);
    } else {
      renderHome();
    }
  }

  document.getElementById("connect").addEventListener("click", function () {
    document.getElementById("connect-error").textContent = "";
    api("connect", { demo: document.getElementById("demo").value }).then(function (data) {
      localStorage.setItem("sessionId", data.sessionId);
      applySite(data);
      location.hash = "";
      renderHome();
    }).catch(function (error) {
      document.getElementById("connect-error").textContent = error.message;
    });
  });

  document.getElementById("disconnect").addEventListener("click", function () {
    api("disconnect", { sessionId: state.sessionId }).finally(function () {
      localStorage.removeItem("sessionId");
      state.sessionId = null;
      location.hash = "";
      main.innerHTML = "";
      show(false);
    });
  });

  window.addEventListener("hashchange", route);

  var stored = localStorage.getItem("sessionId");
  if (stored) {
    api("session/" + encodeURIComponent(stored)).then(function (data) {
      applySite(data);
      route();
    }).catch(function () {
      localStorage.removeItem("sessionId");
      show(false);
    });
  } else {
    show(false);
  }
})();
