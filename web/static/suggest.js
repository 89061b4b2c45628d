// Orbita: completions for the search box from /api/suggest, shown through a <datalist>.
// Progressive enhancement: without this script (or without fetch) the form works as before.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!input || !list || !window.fetch || !input.dataset.suggest) {
    return;
  }
  var endpoint = input.dataset.suggest;
  var timer = null;
  var asked = "";
  var pending = null;

  input.setAttribute("list", list.id);

  function fill(items) {
    list.textContent = "";
    items.forEach(function (text) {
      var option = document.createElement("option");
      option.value = text;
      list.appendChild(option);
    });
  }

  function ask() {
    var q = input.value;
    if (q.trim().length < 2) {
      asked = "";
      fill([]);
      return;
    }
    if (q === asked) {
      return;
    }
    asked = q;
    if (pending && pending.abort) {
      pending.abort();  // only the latest keystroke's answer matters
    }
    pending = window.AbortController ? new AbortController() : null;
    fetch(endpoint + "?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.query === input.value) {
          fill(data.suggestions || []);
        }
      })
      .catch(function () { /* a dropped keystroke request: the next one will do */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 100);
  });
})();
