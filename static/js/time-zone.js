// Time zones: sign-up takes the browser's; settings get a filter box over the grouped list and
// a button to use this device's zone. Without JavaScript the plain list still works.
(function () {
  "use strict";
  var browserZone = "";
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    browserZone = "";
  }

  document.querySelectorAll('input[type="hidden"][name="time_zone"]').forEach(function (input) {
    if (!input.value) input.value = browserZone;
    if (!browserZone) return;
    var place = browserZone.split("/").pop().replace(/_/g, " ");
    var time = new Date().toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" })
      .replace("AM", "a.m.").replace("PM", "p.m.");
    var note = document.createElement("p");
    note.className = "small";
    note.textContent = "Your weeks will open by this device’s clock (" + place + ", now " +
      time + "). You can change it later in Settings.";
    input.form.querySelector('[type="submit"]').insertAdjacentElement("beforebegin", note);
  });

  document.querySelectorAll("select[data-zone-search]").forEach(function (select) {
    var search = document.createElement("input");
    search.type = "search";
    search.className = "zone-search";
    search.placeholder = "Type a city, e.g. Chicago";
    search.setAttribute("aria-label", "Find your city in the list of time zones");
    search.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "small";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(status, select);

    // Filters the list; picks a place only when exactly one matches, so typing never changes
    // the saved zone behind the client's back.
    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase();
      var matches = [];
      select.querySelectorAll("optgroup").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("option").forEach(function (option) {
          var match = !words || option.textContent.toLowerCase().indexOf(words) !== -1 ||
            option.value.toLowerCase().indexOf(words) !== -1;
          option.hidden = !match;
          if (match) {
            shown += 1;
            matches.push(option);
          }
        });
        group.hidden = shown === 0;
      });
      if (!words) {
        status.textContent = "";
      } else if (matches.length === 0) {
        status.textContent = "No place matches “" + search.value.trim() + "”. Try a big city " +
          "near you, or your country.";
      } else if (matches.length === 1) {
        select.value = matches[0].value;
        status.textContent = "Chosen: " + matches[0].textContent + ". Save to keep it.";
      } else {
        status.textContent = matches.length + " places match: choose yours in the list below.";
      }
    });

    var option = browserZone && select.querySelector('option[value="' + browserZone + '"]');
    if (option && select.value !== browserZone) {
      var use = document.createElement("button");
      use.type = "button";
      use.className = "link-button";
      use.textContent = "Use this device’s time zone: " + option.textContent;
      use.addEventListener("click", function () {
        select.value = browserZone;
        use.remove();
      });
      select.parentNode.insertBefore(use, select.nextSibling);
    }
  });
})();
