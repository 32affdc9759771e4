// @ts-check
/*
 * Guichet console: the "Rappels" tab — the callbacks the bot promised ("Être rappelé par téléphone"): the
 * number as a tel: link, the citizen's question, when it is due (overdue said in words), and "Rappel fait" /
 * "Injoignable" with an optional note. Reads /api/v1/callbacks; every text goes in with textContent.
 */
(function () {
  'use strict';

  /**
   * @typedef {{ id: string, phone: string, phoneDisplay: string, question: string | null, promisedBy: string,
   *   overdue: boolean, status: string, attempts: number, note: string | null, handledAt: string | null }} CallbackView
   */

  var G = window.Guichet;
  var STATUS = { open: 'À rappeler', not_reached: 'Injoignable', done: 'Rappel fait' };

  /** @param {CallbackView} c */
  function item(c) {
    var noteId = 'callback-note-' + c.id;
    var due = 'Promis avant ' + G.when(c.promisedBy);
    var status = /** @type {Record<string, string>} */ (STATUS)[c.status] || c.status;
    var attempts = c.attempts > 0 ? ' · ' + c.attempts + (c.attempts > 1 ? ' tentatives' : ' tentative') : '';
    /** @param {string} path @param {string} said */
    function mark(path, said) {
      G.byId('callbacks-error').textContent = '';
      var note = G.textarea(noteId).value.trim();
      G.api(G.withTenant('/callbacks/' + encodeURIComponent(c.id) + path), {
        method: 'POST',
        body: note ? { note: note } : {},
      }).then(
        function () {
          G.announce(said);
          return load();
        },
        /** @param {GuichetApiError} error */ function (error) {
          G.byId('callbacks-error').textContent = 'Action impossible : ' + error.message;
        },
      );
    }
    var children = [
      G.el('p', { className: 'callback-phone' }, [
        G.el('a', { href: 'tel:' + c.phone, text: c.phoneDisplay }),
        ' · ' + status + attempts,
      ]),
      G.el('p', { className: c.overdue ? 'callback-due overdue' : 'callback-due' }, [
        c.overdue ? G.el('strong', { text: 'En retard : ' }) : null,
        due,
      ]),
      G.el('p', { className: 'callback-question', text: c.question || 'Pas de question écrite.' }),
      c.note ? G.el('p', { className: 'hint', text: 'Note : ' + c.note }) : null,
    ];
    if (c.status !== 'done') {
      children.push(
        G.el('label', { for: noteId, text: 'Note (facultative)' }),
        G.el('textarea', { id: noteId, rows: 2, maxlength: 1000 }),
        G.el('div', { className: 'actions' }, [
          G.el('button', {
            type: 'button',
            text: 'Rappel fait',
            onclick: function () {
              mark('/done', 'Rappel noté comme fait.');
            },
          }),
          G.el('button', {
            type: 'button',
            className: 'secondary',
            text: 'Injoignable',
            onclick: function () {
              mark('/not-reached', 'Tentative notée : la personne était injoignable.');
            },
          }),
        ]),
      );
    } else if (c.handledAt) {
      children.push(G.el('p', { className: 'hint', text: 'Fait le ' + G.when(c.handledAt) }));
    }
    return G.el('li', { className: 'card callback' }, children);
  }

  /** Arrowing through the filter loads each choice: only the last list asked is drawn. */
  var lastList = G.latestOnly();

  function load() {
    var filter = G.select('callbacks-filter').value;
    return lastList(G.api(G.withTenant('/callbacks?status=' + encodeURIComponent(filter)))).then(
      /** @param {{ items: CallbackView[] }} page */ function (page) {
        var list = G.byId('callbacks-list');
        G.clear(list);
        page.items.forEach(function (c) {
          list.appendChild(item(c));
        });
        G.byId('callbacks-empty').hidden = page.items.length > 0;
      },
      /** @param {GuichetApiError} error */ function (error) {
        G.byId('callbacks-error').textContent = 'Liste indisponible : ' + error.message;
      },
    );
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(
      document.querySelectorAll('.tab'),
      /** @param {Element} tab */ function (tab) {
        tab.addEventListener('click', function () {
          var visible = tab.getAttribute('data-tab') === 'callbacks';
          G.byId('panel-callbacks').hidden = !visible;
          if (visible) load();
        });
      },
    );
    G.select('callbacks-filter').addEventListener('change', function () {
      load();
    });
  });
})();
