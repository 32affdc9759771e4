// @ts-check
/**
 * The field view (/console/terrain.html): today's interventions of a team on a phone, on a map and by
 * distance, with one-tap status changes and a photo from the camera for "done". On a poor mobile network an
 * action is kept in this browser's storage and sent when the network returns; each carries a client id, so a
 * retry after a lost answer is recognised by the server and nothing is recorded twice.
 */
(function () {
  'use strict';
  var G = window.Guichet;
  var QUEUE_KEY = 'guichet-terrain-queue';
  var RETRY_MS = 15000;

  /**
   * @typedef {{ id: string, teamId: string | null, what: string, plannedFor: string | null, priority: string,
   *   notes: string | null, status: string, reason: string | null, doneComment: string | null,
   *   request: { reference: string, type: string, category: string | null, description: string | null,
   *     photoUrl: string | null,
   *     communeId: string | null, addressText: string | null,
   *     location: { lat: number, lon: number, label: string | null } | null } }} Work
   * @typedef {{ clientId: string, interventionId: string, status: string, reason?: string, comment?: string,
   *   photo?: string, queuedAt: string }} Action
   */

  /** @type {Record<string, string>} */
  var STATUS = {
    planned: 'Prévue',
    in_progress: 'En cours',
    done: 'Terminée',
    cannot_do: 'Impossible à réaliser',
  };
  /** @type {Record<string, string>} */
  var PRIORITY = {
    low: 'Priorité basse',
    normal: 'Priorité normale',
    high: 'Priorité haute',
    urgent: 'Urgent',
  };

  var state = {
    /** @type {Work[]} */ items: [],
    /** @type {GuichetVocabulary | null} */ vocabulary: null,
    /** @type {{ lat: number, lon: number } | null} */ here: null,
    /** @type {any} */ map: null,
    /** @type {any} */ markers: null,
    flushing: false,
  };

  // ---------- the queue of actions, in this browser ----------

  /** @returns {Action[]} */
  function queue() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]');
    } catch (e) {
      return [];
    }
  }

  /** @param {Action[]} actions */
  function saveQueue(actions) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(actions));
    showSync();
  }

  function showSync() {
    var waiting = queue().length;
    var sync = G.byId('sync');
    sync.className = navigator.onLine ? 'sync' : 'sync offline';
    if (!navigator.onLine)
      sync.textContent =
        'Hors ligne' +
        (waiting
          ? ' : ' + waiting + (waiting > 1 ? ' actions en attente' : ' action en attente') + ' d’envoi.'
          : '.');
    else
      sync.textContent = waiting
        ? waiting + (waiting > 1 ? ' actions en attente' : ' action en attente') + ' d’envoi…'
        : 'Tout est envoyé.';
  }

  /** @param {string} dataUrl @returns {Blob} */
  function blobOf(dataUrl) {
    var parts = dataUrl.split(',');
    var type = (/data:([^;]+)/.exec(parts[0]) || [])[1] || 'image/jpeg';
    var bytes = atob(parts[1] || '');
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: type });
  }

  /** Sends one action: its photo first (idempotent by the client id), then the status change. @param {Action} a */
  function send(a) {
    var path = '/interventions/' + encodeURIComponent(a.interventionId);
    var photo = a.photo
      ? G.upload(G.withTenant(path + '/photos/' + encodeURIComponent(a.clientId)), blobOf(a.photo)).then(
          function (/** @type {{ photoId: string }} */ answer) {
            return answer.photoId;
          },
        )
      : Promise.resolve(null);
    return photo.then(function (photoId) {
      /** @type {Record<string, string>} */
      var body = { status: a.status, clientId: a.clientId };
      if (a.reason) body.reason = a.reason;
      if (a.comment) body.comment = a.comment;
      if (photoId) body.photoId = photoId;
      return G.api(G.withTenant(path + '/status'), { method: 'POST', body: body });
    });
  }

  /**
   * Sends what waits, oldest first; stops at the first network failure (tried again later).
   * @returns {Promise<void>}
   */
  function flush() {
    if (state.flushing || !navigator.onLine) return Promise.resolve();
    var waiting = queue();
    if (waiting.length === 0) {
      showSync();
      return Promise.resolve();
    }
    state.flushing = true;
    var first = waiting[0];
    return send(/** @type {Action} */ (first)).then(
      /** @returns {Promise<void>} */ function () {
        saveQueue(
          queue().filter(function (a) {
            return a.clientId !== (first && first.clientId);
          }),
        );
        state.flushing = false;
        return flush().then(function () {
          if (queue().length > 0) return;
          G.announce('Toutes les actions ont été envoyées.');
          return load();
        });
      },
      /** @param {GuichetApiError} e @returns {Promise<void> | void} */ function (e) {
        state.flushing = false;
        // Refused by the server (not a network failure): dropped, and said, rather than retried forever.
        if (e.status && e.status >= 400 && e.status < 500) {
          saveQueue(
            queue().filter(function (a) {
              return a.clientId !== (first && first.clientId);
            }),
          );
          G.byId('page-error').textContent = 'Une action a été refusée : ' + e.message;
          return load();
        }
        showSync();
      },
    );
  }

  /** @param {Omit<Action, 'clientId' | 'queuedAt'>} action */
  function act(action) {
    var full = Object.assign({ clientId: G.clientId(), queuedAt: new Date().toISOString() }, action);
    saveQueue(queue().concat([full]));
    render();
    G.announce(
      navigator.onLine ? 'Envoi en cours.' : 'Hors ligne : l’action sera envoyée au retour du réseau.',
    );
    return flush();
  }

  // ---------- the list and the map ----------

  /** Metres between two points (haversine). @param {{ lat: number, lon: number }} a @param {{ lat: number, lon: number }} b */
  function distance(a, b) {
    var rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad;
    var dLon = (b.lon - a.lon) * rad;
    var h =
      Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 6371000 * 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
  }

  /** @param {number} m */
  function farness(m) {
    return m < 1000
      ? 'à ' + Math.round(m / 10) * 10 + ' m'
      : 'à ' + (m / 1000).toFixed(1).replace('.', ',') + ' km';
  }

  /** The status shown: the last queued action's, until the server has it. @param {Work} w */
  function shownStatus(w) {
    var mine = queue().filter(function (a) {
      return a.interventionId === w.id;
    });
    var last = mine[mine.length - 1];
    return { status: last ? last.status : w.status, pending: Boolean(last) };
  }

  /** @param {Work} w */
  function card(w) {
    var v = state.vocabulary;
    var shown = shownStatus(w);
    var r = w.request;
    var category = r.category
      ? (v && v.categories[r.type + ':' + r.category]) || G.label(v, 'categories', r.category)
      : G.label(v, 'requestTypes', r.type);
    var place = r.addressText || (r.location && r.location.label) || 'Adresse non précisée';
    var far = state.here && r.location ? ' · ' + farness(distance(state.here, r.location)) : '';
    var titleId = 'work-' + w.id;
    var buttons = G.el('div', { className: 'buttons' });
    var open = shown.status === 'planned' || shown.status === 'in_progress';
    if (shown.status === 'planned')
      buttons.appendChild(
        G.el('button', {
          type: 'button',
          text: 'Démarrer',
          'aria-describedby': titleId,
          onclick: function () {
            act({ interventionId: w.id, status: 'in_progress' });
          },
        }),
      );
    var item = G.el('li', { className: 'intervention priority-' + w.priority }, [
      G.el('h2', { id: titleId, text: w.what }),
      G.el('p', { text: place + (r.communeId ? ', ' + G.label(v, 'communes', r.communeId) : '') + far }),
      G.el('p', { text: category + ' · ' + r.reference + ' · ' + (PRIORITY[w.priority] || '') }),
      r.description ? G.el('p', { className: 'hint', text: '« ' + r.description + ' »' }) : null,
      r.photoUrl
        ? G.el('p', {}, [
            G.el('a', {
              href: r.photoUrl,
              target: '_blank',
              rel: 'noopener noreferrer',
              text: 'Photo du signalement (nouvel onglet)',
            }),
          ])
        : null,
      w.notes ? G.el('p', { text: 'Matériel, consignes : ' + w.notes }) : null,
      G.el('p', { className: 'state' }, [
        'État : ' + (STATUS[shown.status] || shown.status),
        shown.pending ? G.el('span', { className: 'pending', text: ' (en attente d’envoi)' }) : null,
      ]),
      open ? buttons : null,
    ]);
    if (open) {
      buttons.appendChild(
        G.el('button', {
          type: 'button',
          text: 'Terminée',
          'aria-describedby': titleId,
          onclick: function () {
            toggleForm(item, w, 'done');
          },
        }),
      );
      buttons.appendChild(
        G.el('button', {
          type: 'button',
          className: 'secondary',
          text: 'Impossible',
          'aria-describedby': titleId,
          onclick: function () {
            toggleForm(item, w, 'cannot_do');
          },
        }),
      );
    }
    return item;
  }

  /** The small form under a card: a comment and a photo for "done", the reason for "impossible". */
  /** @param {HTMLElement} item @param {Work} w @param {'done' | 'cannot_do'} status */
  function toggleForm(item, w, status) {
    var existing = item.querySelector('form');
    if (existing) existing.remove();
    var base = 'form-' + w.id;
    var text = /** @type {HTMLTextAreaElement} */ (
      G.el('textarea', { id: base + '-text', rows: '2', maxlength: '2000', required: status === 'cannot_do' })
    );
    var file = /** @type {HTMLInputElement} */ (
      G.el('input', { id: base + '-photo', type: 'file', accept: 'image/*', capture: 'environment' })
    );
    var error = G.el('p', { className: 'error', role: 'alert' });
    var form = G.el(
      'form',
      {
        novalidate: true,
        onsubmit: /** @param {Event} e */ function (e) {
          e.preventDefault();
          var said = text.value.trim();
          if (status === 'cannot_do' && !said) {
            error.textContent = 'Indiquez pourquoi l’intervention est impossible.';
            text.focus();
            return;
          }
          var chosen = file.files && file.files[0];
          (chosen ? shrink(chosen) : Promise.resolve(null)).then(function (photo) {
            /** @type {Omit<Action, 'clientId' | 'queuedAt'>} */
            var action = { interventionId: w.id, status: status };
            if (status === 'cannot_do') action.reason = said;
            else if (said) action.comment = said;
            if (photo) action.photo = photo;
            act(action);
          });
        },
      },
      [
        G.el('label', {
          for: text.id,
          text: status === 'done' ? 'Commentaire (facultatif)' : 'Pourquoi est-ce impossible ?',
        }),
        text,
        status === 'done'
          ? G.el('label', { for: file.id, text: 'Photo du travail fait (facultatif)' })
          : null,
        status === 'done' ? file : null,
        error,
        G.el('button', {
          type: 'submit',
          text: status === 'done' ? 'Valider : terminée' : 'Valider : impossible',
        }),
      ],
    );
    item.appendChild(form);
    text.focus();
  }

  /** The photo made small enough for a poor network and this browser's storage (JPEG, 1280 px at most). */
  /** @param {File} file @returns {Promise<string>} */
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = function () {
        reject(reader.error);
      };
      reader.onload = function () {
        var img = new Image();
        img.onerror = function () {
          reject(new Error('image illisible'));
        };
        img.onload = function () {
          var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
          var canvas = document.createElement('canvas');
          canvas.width = Math.max(1, Math.round(img.width * scale));
          canvas.height = Math.max(1, Math.round(img.height * scale));
          var ctx = canvas.getContext('2d');
          if (ctx) ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
          // Redrawn: the camera's EXIF metadata (position, device) does not travel.
          resolve(canvas.toDataURL('image/jpeg', 0.75));
        };
        img.src = String(reader.result);
      };
      reader.readAsDataURL(file);
    });
  }

  function sorted() {
    var items = state.items.slice();
    var here = state.here;
    if (here)
      items.sort(function (a, b) {
        var la = a.request.location;
        var lb = b.request.location;
        var da = la && here ? distance(here, la) : Infinity;
        var db = lb && here ? distance(here, lb) : Infinity;
        return da - db;
      });
    return items;
  }

  function render() {
    var list = G.byId('interventions');
    G.clear(list);
    var items = sorted();
    items.forEach(function (w) {
      list.appendChild(card(w));
    });
    G.byId('empty').hidden = items.length > 0;
    drawMap(items);
  }

  /** @param {Work[]} items */
  function drawMap(items) {
    var located = items.filter(function (w) {
      return w.request.location;
    });
    var container = G.byId('map');
    var L = /** @type {any} */ (window).L;
    G.byId('map-note').textContent = located.length
      ? located.length + (located.length > 1 ? ' interventions sur la carte.' : ' intervention sur la carte.')
      : 'Aucune intervention localisée : voir les adresses ci-dessous.';
    if (!L || located.length === 0) {
      container.hidden = true;
      return;
    }
    container.hidden = false;
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', 'Carte des interventions du jour (les adresses sont dans la liste)');
    var draw = function () {
      state.markers.clearLayers();
      var bounds = [];
      located.forEach(function (w) {
        var loc = /** @type {{ lat: number, lon: number }} */ (w.request.location);
        bounds.push([loc.lat, loc.lon]);
        L.circleMarker([loc.lat, loc.lon], {
          interactive: false,
          radius: 9,
          color: w.priority === 'urgent' || w.priority === 'high' ? '#b00020' : '#0b4f9c',
          weight: 3,
          fillOpacity: 0.5,
        }).addTo(state.markers);
      });
      if (state.here) bounds.push([state.here.lat, state.here.lon]);
      state.map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    };
    if (state.map) return draw();
    fetch('/console/map-settings.json', { cache: 'no-store' })
      .then(function (res) {
        return res.json();
      })
      .then(function (/** @type {{ tileUrl: string, attribution: string }} */ settings) {
        // A picture of the places, nothing focusable inside: the list below is the way to act.
        state.map = L.map(container, { keyboard: false, scrollWheelZoom: false, zoomControl: false });
        state.map.attributionControl.setPrefix(false);
        L.tileLayer(settings.tileUrl, { attribution: settings.attribution, maxZoom: 19 }).addTo(state.map);
        state.markers = L.layerGroup().addTo(state.map);
        draw();
      })
      .catch(function () {
        container.hidden = true;
      });
  }

  /** Today in the territory's time zone, as YYYY-MM-DD. */
  function today() {
    return G.when(new Date().toISOString(), { date: true }).split('/').reverse().join('-');
  }

  /** Another team's list, or an older one (with states the phone has since sent), answering late is not drawn. */
  var lastList = G.latestOnly();

  /**
   * Draws the day's list. What it returns settles once the answer is in, drawn or passed over (a team chosen
   * meanwhile), so that the start sends the queued actions after its first list either way; a list drawn is drawn
   * before, its handlers being attached first.
   * @returns {Promise<void>}
   */
  function load() {
    var team = G.select('team').value;
    var query = '/interventions?plannedFor=' + today() + (team ? '&team=' + encodeURIComponent(team) : '');
    var pending = G.api(G.withTenant(query));
    lastList(pending).then(
      function (answer) {
        state.items = answer.items;
        G.byId('page-error').textContent = '';
        render();
      },
      /** @param {GuichetApiError} e */ function (e) {
        if (!e.status) {
          // No network: what was shown stays, with its pending actions.
          showSync();
          return;
        }
        G.byId('page-error').textContent = e.message;
      },
    );
    return pending.then(nothing, nothing);
  }

  function nothing() {}

  function nearest() {
    if (!navigator.geolocation) {
      G.byId('page-error').textContent = 'Ce téléphone ne donne pas sa position.';
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        state.here = { lat: position.coords.latitude, lon: position.coords.longitude };
        render();
        G.announce('Interventions triées de la plus proche à la plus lointaine.');
      },
      function () {
        G.byId('page-error').textContent =
          'Position refusée ou indisponible : la liste reste dans l’ordre du jour.';
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  }

  document.addEventListener('DOMContentLoaded', function () {
    showSync();
    window.addEventListener('online', function () {
      showSync();
      flush();
    });
    window.addEventListener('offline', showSync);
    setInterval(flush, RETRY_MS);
    G.resume()
      .then(function (signedIn) {
        if (!signedIn)
          throw Object.assign(new Error('Connectez-vous à la console pour voir les interventions.'), {
            status: 401,
          });
        return Promise.all([G.vocabulary(), G.api('/me')]);
      })
      .then(function (answers) {
        state.vocabulary = answers[0];
        var me = answers[1];
        var teams = /** @type {GuichetVocabulary} */ (state.vocabulary).teams || {};
        var mine = me.teamIds && me.teamIds.length ? me.teamIds : Object.keys(teams);
        var select = G.select('team');
        mine.forEach(function (/** @type {string} */ id) {
          select.appendChild(G.el('option', { value: id, text: teams[id] || 'Équipe' }));
        });
        select.addEventListener('change', load);
        G.button('nearest').addEventListener('click', nearest);
        G.byId('field-title').textContent =
          'Interventions du ' + G.when(new Date().toISOString(), { date: true });
        G.byId('field').hidden = false;
        return load().then(flush);
      })
      .catch(function (/** @type {GuichetApiError} */ e) {
        var message = G.byId('page-error');
        message.textContent = e.message;
        if (e.status === 401)
          message.appendChild(G.el('a', { href: '/console', text: ' Aller à la connexion' }));
      });
  });
})();
