// @ts-check
/*
 * "Sur le territoire" (/console/territoire.html): the open requests of every actor of the territory (communes,
 * intercommunalité, partners), read-only, from GET /api/v1/territory/open-requests — what, where, who handles it,
 * never a description or a contact. Labels come from the vocabulary; text is written with textContent only.
 */
(function () {
  'use strict';
  var G = window.Guichet;
  /** @type {GuichetVocabulary | null} */
  var vocabulary = null;
  var lastList = G.latestOnly();

  /**
   * @param {HTMLSelectElement} select @param {Record<string, string>} labels @param {string} all
   */
  function fillChoices(select, labels, all) {
    G.clear(select);
    select.appendChild(G.el('option', { value: '', text: all }));
    Object.keys(labels)
      .sort(function (a, b) {
        return labels[a].localeCompare(labels[b], 'fr');
      })
      .forEach(function (id) {
        select.appendChild(G.el('option', { value: id, text: labels[id] }));
      });
  }

  /** Incident categories by their own id (the vocabulary also keys them 'type:category'). */
  function categories() {
    var all = (vocabulary && vocabulary.categories) || {};
    /** @type {Record<string, string>} */
    var plain = {};
    Object.keys(all).forEach(function (id) {
      if (id.indexOf(':') < 0) plain[id] = all[id];
    });
    return plain;
  }

  /** @param {string} label @param {string} text */
  function cell(label, text) {
    return G.el('td', { 'data-label': label, text: text });
  }

  /** @param {any} r */
  function row(r) {
    var v = vocabulary;
    var category = r.category
      ? (v && v.categories[r.type + ':' + r.category]) || G.label(v, 'categories', r.category)
      : '—';
    var place = r.address
      ? r.address
      : r.location
        ? r.location.lat.toFixed(5) + ', ' + r.location.lon.toFixed(5)
        : 'Non affiché';
    return G.el('tr', {}, [
      cell('Référence', r.reference),
      cell('Type', G.label(v, 'requestTypes', r.type)),
      cell('Catégorie', category),
      cell('Commune', r.communeId ? G.label(v, 'communes', r.communeId) : '—'),
      cell('Traitée par', G.label(v, 'authorities', r.authorityId)),
      cell('Statut', G.label(v, 'statuses', r.status)),
      cell('Déposée le', G.when(r.createdAt)),
      cell('Lieu', place),
    ]);
  }

  function load() {
    var query = new URLSearchParams();
    var commune = G.select('filter-commune').value;
    var category = G.select('filter-category').value;
    if (commune) query.set('commune', commune);
    if (category) query.set('category', category);
    var qs = query.toString();
    var list = lastList(G.api(G.withTenant('/territory/open-requests' + (qs ? '?' + qs : ''))));
    return list.then(function (body) {
      var rows = G.byId('open-rows');
      G.clear(rows);
      body.items.forEach(function (/** @type {any} */ r) {
        rows.appendChild(row(r));
      });
      G.byId('open-table').hidden = body.items.length === 0;
      var n = body.items.length;
      var count =
        n === 0
          ? 'Aucune demande en cours.'
          : n === 1
            ? '1 demande en cours.'
            : n + ' demandes en cours' + (body.truncated ? ' (les plus récentes).' : '.');
      G.byId('open-count').textContent = count;
    });
  }

  /** @param {unknown} e */
  function fail(e) {
    G.pageError(e);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var started = G.startPage('Connectez-vous à la console pour voir les demandes du territoire.').then(
      function (v) {
        vocabulary = v;
        fillChoices(G.select('filter-commune'), v.communes, 'Toutes');
        fillChoices(G.select('filter-category'), categories(), 'Toutes');
      },
    );
    G.onFilters('territory-filters', started, function () {
      load().then(function () {
        G.announce(G.byId('open-count').textContent || '');
      }, fail);
    });
    started.then(load).catch(fail);
  });
})();
