// @ts-check
/*
 * The console's requests list ("Demandes"): filters (status, type, due state, full-text search, sort), the
 * age and due state of each request, bulk status changes, saved filters and the CSV export. Loaded after
 * common.js; console.js calls GuichetRequests.start() once the agent is signed in. Labels come from the
 * vocabulary, dates are in the territory's time zone (Guichet.when); text goes through textContent only.
 */
(function () {
  'use strict';

  /**
   * @typedef {{ id: string, reference: string, type: string, status: string, channel: string,
   *   communeId?: string | null, createdAt: string, dueAt?: string | null, payload?: { category?: string } }} RequestView
   * @typedef {{ status?: string[], type?: string, q?: string, due?: string, sort?: string }} FilterSet
   * @typedef {{ id: string, name: string, filter: FilterSet, shared: boolean, mine: boolean }} SavedFilter
   * @typedef {(path: string, options?: { method?: string, body?: unknown }) => Promise<any>} Api
   */

  var G = window.Guichet;
  var DAY_MS = 86400000;
  /** "Due soon": within this many days (DUE_SOON_DAYS in backoffice/service-levels.ts). */
  var SOON_DAYS = 2;
  var OPEN = ['received', 'in_progress'];

  /**
   * @type {{ api: Api | null, withTenant: (path: string) => string, role: string,
   *   vocabulary: GuichetVocabulary | null, cursor: string | null, shown: RequestView[],
   *   selected: Record<string, boolean>, saved: SavedFilter[], wired: boolean, signedOut: (() => void) | null }}
   */
  var state = {
    api: null,
    withTenant: G.withTenant,
    role: 'agent',
    vocabulary: null,
    cursor: null,
    shown: [],
    selected: {},
    saved: [],
    wired: false,
    signedOut: null,
  };

  /** @param {string} path @param {{ method?: string, body?: unknown }} [options] */
  function api(path, options) {
    return /** @type {Api} */ (state.api || G.api)(state.withTenant(path), options);
  }

  /** @param {GuichetApiError} error */
  function fail(error) {
    // The session ended (timed out, signed out elsewhere, account disabled): back to the sign-in page.
    if (error && error.status === 401 && state.signedOut) return state.signedOut();
    var message = (error && error.message) || 'Erreur';
    G.byId('requests-error').textContent = message;
    G.announce(message);
  }

  // ---------- filters ----------

  /** @returns {FilterSet} */
  function currentFilter() {
    /** @type {FilterSet} */
    var f = {};
    var status = G.select('filter-status').value;
    if (status) f.status = [status];
    if (G.select('filter-type').value) f.type = G.select('filter-type').value;
    if (G.select('filter-due').value) f.due = G.select('filter-due').value;
    var q = G.input('filter-q').value.trim();
    if (q) f.q = q;
    if (G.select('filter-sort').value === 'due') f.sort = 'due';
    return f;
  }

  /** @param {FilterSet} f */
  function showFilter(f) {
    G.select('filter-status').value = (f.status && f.status[0]) || '';
    G.select('filter-type').value = f.type || '';
    G.select('filter-due').value = f.due || '';
    G.input('filter-q').value = f.q || '';
    G.select('filter-sort').value = f.sort || 'recent';
  }

  /** @param {FilterSet} f @returns {string[]} */
  function queryOf(f) {
    var params = [];
    if (f.status) params.push('status=' + encodeURIComponent(f.status.join(',')));
    if (f.type) params.push('type=' + encodeURIComponent(f.type));
    if (f.due) params.push('due=' + encodeURIComponent(f.due));
    if (f.q) params.push('q=' + encodeURIComponent(f.q));
    if (f.sort) params.push('sort=' + encodeURIComponent(f.sort));
    return params;
  }

  // ---------- rows ----------

  /** @param {RequestView} r */
  function typeLabel(r) {
    var v = state.vocabulary;
    var category = r.payload && r.payload.category;
    return (
      G.label(v, 'requestTypes', r.type) +
      (category ? ' · ' + G.label(v, 'categories', r.type + ':' + category) : '')
    );
  }

  /** "aujourd’hui", "il y a 3 j". @param {string} iso */
  function age(iso) {
    var days = Math.floor((Date.now() - Date.parse(iso)) / DAY_MS);
    return days <= 0 ? 'aujourd’hui' : 'il y a ' + days + ' j';
  }

  /** The due state as words (never colour alone). @param {RequestView} r */
  function dueBadge(r) {
    if (!r.dueAt || OPEN.indexOf(r.status) < 0) return G.el('span', { className: 'hint', text: '—' });
    var left = Date.parse(r.dueAt) - Date.now();
    if (left < 0) {
      var late = Math.max(1, Math.floor(-left / DAY_MS));
      return G.el('span', { className: 'due due-late', text: 'En retard de ' + late + ' j' });
    }
    var day = G.when(r.dueAt, { date: true });
    if (left < SOON_DAYS * DAY_MS)
      return G.el('span', { className: 'due due-soon', text: 'Échéance proche : ' + day });
    return G.el('span', { className: 'due', text: 'À échéance le ' + day });
  }

  /** @param {RequestView} r */
  function statusForm(r) {
    var select = /** @type {HTMLSelectElement} */ (
      G.el('select', { 'aria-label': 'Nouveau statut de ' + r.reference })
    );
    statusOptions(select, r.status);
    var note = /** @type {HTMLInputElement} */ (
      G.el('input', {
        type: 'text',
        maxlength: '2000',
        placeholder: 'Note (transmise au citoyen)',
        'aria-label': 'Note pour ' + r.reference,
      })
    );
    return G.el(
      'form',
      {
        className: 'status-form',
        onsubmit: /** @param {Event} e */ function (e) {
          e.preventDefault();
          /** @type {{ status: string, note?: string }} */
          var body = { status: select.value };
          if (note.value.trim()) body.note = note.value.trim();
          api('/requests/' + encodeURIComponent(r.id) + '/status', { method: 'POST', body: body }).then(
            function (updated) {
              G.announce(
                'Demande ' +
                  updated.reference +
                  ' : ' +
                  G.label(state.vocabulary, 'statuses', updated.status) +
                  '. Le citoyen est prévenu.',
              );
              load(false);
            },
            fail,
          );
        },
      },
      [select, note, G.el('button', { type: 'submit', text: 'Enregistrer' })],
    );
  }

  /** @param {HTMLSelectElement} select @param {string} [current] */
  function statusOptions(select, current) {
    G.clear(select);
    var statuses = (state.vocabulary && state.vocabulary.statuses) || {};
    Object.keys(statuses).forEach(function (s) {
      select.appendChild(G.el('option', { value: s, text: statuses[s], selected: s === current }));
    });
  }

  /** @param {RequestView} r */
  function row(r) {
    var box = G.el('input', {
      type: 'checkbox',
      className: 'select-row',
      'aria-label': 'Sélectionner ' + r.reference,
      checked: Boolean(state.selected[r.id]),
      onchange: /** @param {Event} e */ function (e) {
        var checked = /** @type {HTMLInputElement} */ (e.target).checked;
        if (checked) state.selected[r.id] = true;
        else delete state.selected[r.id];
        updateSelection();
      },
    });
    return G.el('tr', { 'data-request-id': r.id }, [
      G.el('td', {}, [box]),
      G.el('th', { scope: 'row' }, [
        G.el('a', {
          href: '/console/demande.html?ref=' + encodeURIComponent(r.reference),
          text: r.reference,
        }),
      ]),
      G.el('td', { 'data-label': 'Type', text: typeLabel(r) }),
      G.el('td', { 'data-label': 'Commune', text: G.label(state.vocabulary, 'communes', r.communeId) }),
      G.el('td', { 'data-label': 'Canal', text: G.label(state.vocabulary, 'channels', r.channel) }),
      G.el('td', { 'data-label': 'Reçue' }, [
        G.el('span', { text: G.when(r.createdAt) }),
        G.el('span', { className: 'age', text: age(r.createdAt) }),
      ]),
      G.el('td', { 'data-label': 'Échéance' }, [dueBadge(r)]),
      G.el('td', { 'data-label': 'Statut', text: G.label(state.vocabulary, 'statuses', r.status) }),
      G.el('td', { className: 'row-action' }, [statusForm(r)]),
    ]);
  }

  /** An earlier filter's page answering late is neither drawn nor appended to the list chosen since. */
  var lastPage = G.latestOnly();

  /** @param {boolean} more */
  function load(more) {
    G.byId('requests-error').textContent = '';
    var params = queryOf(currentFilter());
    if (more && state.cursor) params.push('cursor=' + encodeURIComponent(state.cursor));
    params.push('limit=50');
    var pending = lastPage(Promise.all([G.vocabulary(), api('/requests?' + params.join('&'))]));
    return pending.then(function (answers) {
      state.vocabulary = answers[0];
      var page = answers[1];
      var body = G.byId('requests-body');
      if (!more) {
        G.clear(body);
        state.shown = [];
        state.selected = {};
      }
      page.items.forEach(
        /** @param {RequestView} r */ function (r) {
          state.shown.push(r);
          body.appendChild(row(r));
        },
      );
      G.byId('requests-empty').hidden = state.shown.length > 0;
      state.cursor = page.nextCursor;
      G.byId('requests-more').hidden = !page.nextCursor;
      updateSelection();
    }, fail);
  }

  // ---------- selection and bulk ----------

  function selectedIds() {
    return state.shown
      .filter(function (r) {
        return state.selected[r.id];
      })
      .map(function (r) {
        return r.id;
      });
  }

  function updateSelection() {
    var n = selectedIds().length;
    G.byId('bulk-count').textContent =
      n === 0
        ? 'Aucune demande sélectionnée'
        : n === 1
          ? '1 demande sélectionnée'
          : n + ' demandes sélectionnées';
    G.button('bulk-apply').disabled = n === 0;
    G.button('bulk-assign').disabled = n === 0;
    var all = G.input('select-all');
    all.checked = n > 0 && n === state.shown.length;
    all.indeterminate = n > 0 && n < state.shown.length;
  }

  function bulk() {
    var ids = selectedIds();
    if (ids.length === 0) return;
    /** @type {{ action: string, ids: string[], status: string, note?: string }} */
    var body = { action: 'status', ids: ids, status: G.select('bulk-status').value };
    var note = G.input('bulk-note').value.trim();
    if (note) body.note = note;
    api('/requests/bulk', { method: 'POST', body: body }).then(function (answer) {
      G.input('bulk-note').value = '';
      G.announce(
        answer.items.length +
          ' demande(s) : ' +
          G.label(state.vocabulary, 'statuses', body.status) +
          '. Les citoyens sont prévenus.',
      );
      load(false);
    }, fail);
  }

  /** The selection to a team's queue (or out of any), each request's agent leaving it if they change team. */
  function bulkAssign() {
    var ids = selectedIds();
    if (ids.length === 0) return;
    var teamId = G.select('bulk-team').value || null;
    api('/requests/bulk', { method: 'POST', body: { action: 'assign', ids: ids, teamId: teamId } }).then(
      function (answer) {
        G.announce(
          answer.items.length +
            ' demande(s) affectée(s) : ' +
            (teamId ? G.label(state.vocabulary, 'teams', teamId) : 'aucune équipe') +
            '.',
        );
        load(false);
      },
      fail,
    );
  }

  // ---------- saved filters ----------

  function loadSaved() {
    return api('/saved-filters').then(function (answer) {
      state.saved = answer.items;
      var select = G.select('saved-filter');
      G.clear(select);
      select.appendChild(G.el('option', { value: '', text: state.saved.length ? 'Choisir…' : 'Aucun' }));
      state.saved.forEach(function (f) {
        select.appendChild(G.el('option', { value: f.id, text: f.name + (f.shared ? ' (partagé)' : '') }));
      });
      updateSaved();
    }, fail);
  }

  function chosenSaved() {
    var id = G.select('saved-filter').value;
    return (
      state.saved.filter(function (f) {
        return f.id === id;
      })[0] || null
    );
  }

  function updateSaved() {
    var chosen = chosenSaved();
    G.button('saved-apply').disabled = !chosen;
    G.button('saved-delete').disabled = !chosen || !chosen.mine;
  }

  function saveFilter() {
    var name = G.input('saved-name').value.trim();
    if (!name) return fail(/** @type {GuichetApiError} */ (new Error('Donnez un nom au filtre.')));
    var body = { name: name, filter: currentFilter(), shared: G.input('saved-shared').checked };
    api('/saved-filters', { method: 'POST', body: body }).then(function (saved) {
      G.input('saved-name').value = '';
      G.input('saved-shared').checked = false;
      G.announce('Filtre « ' + saved.name + ' » enregistré.');
      return loadSaved().then(function () {
        G.select('saved-filter').value = saved.id;
        updateSaved();
      });
    }, fail);
  }

  // ---------- CSV export ----------

  /**
   * Downloads the CSV with the same filters. fetch + Blob rather than a link: a tab token travels in the
   * Authorization header (never in a URL); a console session sends its cookie (a GET needs no CSRF token).
   */
  function exportCsv() {
    var path = state.withTenant('/requests/export.csv?' + queryOf(currentFilter()).join('&'));
    /** @type {Record<string, string>} */
    var headers = {};
    var token = sessionStorage.getItem('guichet.console.token');
    if (token) headers.Authorization = 'Bearer ' + token;
    fetch('/api/v1' + path, { headers: headers, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok)
          return res.json().then(
            function (body) {
              throw new Error((body && body.error && body.error.message) || 'Erreur ' + res.status);
            },
            function () {
              throw new Error('Erreur ' + res.status);
            },
          );
        var disposition = res.headers.get('Content-Disposition') || '';
        var match = /filename="([^"]+)"/.exec(disposition);
        return res.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = G.el('a', { href: url, download: match ? match[1] : 'demandes.csv', hidden: true });
          document.body.appendChild(link);
          link.click();
          document.body.removeChild(link);
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 1000);
          G.announce('Export CSV téléchargé.');
        });
      })
      .catch(fail);
  }

  // ---------- start ----------

  function wire() {
    G.byId('request-filters').addEventListener('submit', function (e) {
      e.preventDefault();
      load(false);
    });
    G.byId('requests-more').addEventListener('click', function () {
      load(true);
    });
    G.input('select-all').addEventListener('change', function () {
      var all = G.input('select-all').checked;
      state.selected = {};
      if (all)
        state.shown.forEach(function (r) {
          state.selected[r.id] = true;
        });
      Array.prototype.forEach.call(
        document.querySelectorAll('#requests-body .select-row'),
        /** @param {HTMLInputElement} box */ function (box) {
          box.checked = all;
        },
      );
      updateSelection();
    });
    G.byId('bulk-form').addEventListener('submit', function (e) {
      e.preventDefault();
      bulk();
    });
    G.byId('bulk-assign-form').addEventListener('submit', function (e) {
      e.preventDefault();
      bulkAssign();
    });
    G.select('saved-filter').addEventListener('change', updateSaved);
    G.button('saved-apply').addEventListener('click', function () {
      var chosen = chosenSaved();
      if (!chosen) return;
      showFilter(chosen.filter);
      load(false).then(function () {
        G.announce('Filtre « ' + chosen.name + ' » appliqué.');
      });
    });
    G.button('saved-delete').addEventListener('click', function () {
      var chosen = chosenSaved();
      if (!chosen || !chosen.mine) return;
      api('/saved-filters/' + encodeURIComponent(chosen.id), { method: 'DELETE' }).then(function () {
        G.announce('Filtre « ' + chosen.name + ' » supprimé.');
        loadSaved();
      }, fail);
    });
    G.byId('saved-form').addEventListener('submit', function (e) {
      e.preventDefault();
      saveFilter();
    });
    G.button('requests-export').addEventListener('click', exportCsv);
    var tab = document.querySelector('[data-tab=requests]');
    if (tab)
      tab.addEventListener('click', function () {
        load(false);
        loadSaved();
      });
  }

  /**
   * @param {{ role: string }} me
   * @param {Api} consoleApi console.js's client (bearer token of the tab or session cookie + CSRF)
   * @param {(path: string) => string} withTenant the tenant picked by a platform administrator
   * @param {() => void} [signedOut] what to do when the session has ended
   */
  function start(me, consoleApi, withTenant, signedOut) {
    state.signedOut = signedOut || null;
    state.api = consoleApi;
    state.withTenant = withTenant;
    state.role = me.role;
    // Sharing with the whole territory is for supervisors and administrators.
    G.byId('saved-shared-label').hidden = me.role === 'agent';
    if (!state.wired) {
      state.wired = true;
      wire();
    }
    G.vocabulary().then(function (v) {
      state.vocabulary = v;
      var type = G.select('filter-type');
      var chosen = type.value;
      G.clear(type);
      type.appendChild(G.el('option', { value: '', text: 'Tous' }));
      Object.keys(v.requestTypes).forEach(function (id) {
        type.appendChild(G.el('option', { value: id, text: v.requestTypes[id], selected: id === chosen }));
      });
      statusOptions(G.select('bulk-status'), 'in_progress');
      var team = G.select('bulk-team');
      G.clear(team);
      Object.keys(v.teams || {}).forEach(function (id) {
        team.appendChild(G.el('option', { value: id, text: v.teams[id] }));
      });
      team.appendChild(G.el('option', { value: '', text: 'Aucune équipe (hors file)' }));
    }, fail);
  }

  window.GuichetRequests = { start: start };
})();
