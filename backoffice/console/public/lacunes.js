// @ts-check
/*
 * "Questions sans réponse" (/console/lacunes.html, supervisors): the questions the bot could not answer, grouped
 * by similarity and counted (GET /api/v1/knowledge-gaps), with their examples; "Marquer comme traitée" takes a
 * group off the list (POST /api/v1/knowledge-gaps/handled). Text is written with textContent only.
 */
(function () {
  'use strict';
  var G = window.Guichet;
  /** @type {GuichetVocabulary | null} */
  var vocabulary = null;
  var lastGroups = G.latestOnly();

  /** @param {number} n */
  function times(n) {
    return n === 1 ? '1 fois' : n + ' fois';
  }

  /**
   * @param {{ question: string, count: number, firstSeen: string, lastSeen: string, channels: string[],
   *   examples: string[], ids: string[] }} group
   * @param {number} index
   */
  function item(group, index) {
    var titleId = 'gap-' + index;
    var channels = group.channels
      .map(function (c) {
        return G.label(vocabulary, 'channels', c);
      })
      .join(', ');
    var first = G.when(group.firstSeen, { date: true });
    var last = G.when(group.lastSeen, { date: true });
    var seen =
      group.count === 1
        ? 'le ' + G.when(group.lastSeen)
        : first === last
          ? 'le ' + last
          : 'du ' + first + ' au ' + last;
    var done = G.el('button', { type: 'button', class: 'secondary', text: 'Marquer comme traitée' });
    done.setAttribute('aria-describedby', titleId);
    var li = G.el('li', {}, [
      G.el('h3', { id: titleId, text: '« ' + group.question + ' »' }),
      G.el('p', {}, [
        G.el('span', { class: 'gap-count', text: times(group.count) }),
        ' ' + seen + ' — ' + channels,
      ]),
      group.examples.length > 1
        ? G.el('details', {}, [
            G.el('summary', { text: 'Formulations (' + group.examples.length + ')' }),
            G.el(
              'ul',
              {},
              group.examples.map(function (e) {
                return G.el('li', { text: e });
              }),
            ),
          ])
        : null,
      done,
    ]);
    done.addEventListener('click', function () {
      /** @type {HTMLButtonElement} */ (done).disabled = true;
      G.api(G.withTenant('/knowledge-gaps/handled'), { method: 'POST', body: { ids: group.ids } }).then(
        function () {
          var next = li.nextElementSibling || li.previousElementSibling;
          li.remove();
          G.announce('Question marquée comme traitée.');
          var focus = next && next.querySelector('button');
          if (focus) /** @type {HTMLElement} */ (focus).focus();
          else G.byId('main').focus();
        },
        function (/** @type {unknown} */ e) {
          /** @type {HTMLButtonElement} */ (done).disabled = false;
          fail(e);
        },
      );
    });
    return li;
  }

  function load() {
    var days = G.select('gap-days').value;
    var groups = lastGroups(G.api(G.withTenant('/knowledge-gaps?days=' + encodeURIComponent(days))));
    return groups.then(function (body) {
      var list = G.byId('gap-list');
      G.clear(list);
      body.groups.forEach(function (/** @type {any} */ g, /** @type {number} */ i) {
        list.appendChild(item(g, i));
      });
      var n = body.groups.length;
      G.byId('gap-count').textContent =
        n === 0
          ? 'Aucune question sans réponse sur cette période.'
          : (n === 1 ? '1 sujet' : n + ' sujets') +
            ', ' +
            (body.questions === 1 ? '1 question' : body.questions + ' questions') +
            (body.truncated ? ' (les plus récentes)' : '') +
            '.';
    });
  }

  /** @param {unknown} e */
  function fail(e) {
    G.pageError(e, 'Cette page est réservée aux responsables et aux administrateurs.');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var started = G.startPage('Connectez-vous à la console pour voir les questions sans réponse.').then(
      function (v) {
        vocabulary = v;
      },
    );
    G.onFilters('gap-filters', started, function () {
      load().then(function () {
        G.announce(G.byId('gap-count').textContent || '');
      }, fail);
    });
    started.then(load).catch(fail);
  });
})();
