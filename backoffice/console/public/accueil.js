// @ts-check
/**
 * The counter's and the switchboard's intake (/console/accueil.html): the agent picks the démarche, fills
 * the fields the bot's form declares (GET /api/v1/desk/services), checks them with the bot's own validators
 * (POST /desk/check: a message per field, or the summary to read back; a report of the same problem within
 * 50 m appears as its own question), then files the request (POST /desk/requests) and hands over the
 * reference and a printable receipt. Every text goes in with textContent.
 */
(function () {
  'use strict';
  var G = window.Guichet;

  /**
   * @typedef {{ name: string, label: string, prompt: string, hint: string, optional: boolean,
   *   choices?: { label: string, value: string }[] }} Field
   * @typedef {{ id: string, label: string, fields: Field[] }} Service
   */

  var state = {
    /** @type {Service[]} */ services: [],
    /** @type {Field[]} */ fields: [],
    /** @type {Record<string, string>} */ values: {},
  };
  var lastCheck = G.latestOnly();

  function service() {
    return G.select('service').value;
  }

  function channel() {
    var checked = /** @type {HTMLInputElement | null} */ (
      document.querySelector('input[name=channel]:checked')
    );
    return checked ? checked.value : 'desk';
  }

  /** The values typed so far, kept when the fields are drawn again. */
  function readValues() {
    state.fields.forEach(function (f) {
      var control = /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null} */ (
        document.getElementById('field-' + f.name)
      );
      if (control) state.values[f.name] = control.value;
    });
    return state.values;
  }

  /** @param {Field} f @param {string | undefined} error */
  function fieldBlock(f, error) {
    var id = 'field-' + f.name;
    var described = [id + '-help'];
    if (error) described.push(id + '-error');
    var value = state.values[f.name] || '';
    /** @type {Record<string, unknown>} */
    var attrs = {
      id: id,
      name: f.name,
      'aria-describedby': described.join(' '),
      'aria-invalid': error ? 'true' : null,
      required: !f.optional,
    };
    var control;
    if (f.choices && f.choices.length > 0) {
      control = G.el(
        'select',
        attrs,
        [G.el('option', { value: '', text: f.optional ? '— Aucun —' : 'Choisir…' })].concat(
          f.choices.map(function (c) {
            return G.el('option', { value: c.value, text: c.label, selected: c.value === value });
          }),
        ),
      );
    } else if (f.name === 'description') {
      control = G.el('textarea', Object.assign({ rows: '3', maxlength: '1000' }, attrs));
      /** @type {HTMLTextAreaElement} */ (control).value = value;
    } else {
      control = G.el('input', Object.assign({ type: 'text', autocomplete: 'off', maxlength: '500' }, attrs));
      /** @type {HTMLInputElement} */ (control).value = value;
    }
    return G.el('div', { className: 'desk-field' }, [
      G.el('label', { for: id, text: f.label + (f.optional ? ' (facultatif)' : '') }),
      G.el('p', { id: id + '-help', className: 'hint', text: f.prompt }),
      control,
      error ? G.el('p', { id: id + '-error', className: 'field-error', text: error }) : null,
    ]);
  }

  /** @param {Field[]} fields @param {Record<string, string>} [errors] */
  function drawFields(fields, errors) {
    state.fields = fields;
    var box = G.byId('fields');
    G.clear(box);
    fields.forEach(function (f) {
      box.appendChild(fieldBlock(f, errors && errors[f.name]));
    });
  }

  function chooseService() {
    // A check still running was for the former démarche: its answer would draw that one's fields, or its summary
    // ready to be filed, under this one.
    lastCheck.ignorePending();
    state.values = {};
    var chosen = state.services.filter(function (s) {
      return s.id === service();
    })[0];
    drawFields(chosen ? chosen.fields : []);
    G.byId('summary-card').hidden = true;
  }

  function body() {
    return { service: service(), channel: channel(), fields: readValues() };
  }

  /** @param {GuichetApiError} e */
  function fail(e) {
    G.byId('form-error').textContent = 'Action impossible : ' + e.message;
  }

  function check() {
    G.byId('form-error').textContent = '';
    lastCheck(G.api(G.withTenant('/desk/check'), { method: 'POST', body: body() })).then(function (answer) {
      if (!answer.ok) {
        drawFields(answer.fields, answer.errors);
        var names = Object.keys(answer.errors);
        G.byId('summary-card').hidden = true;
        G.announce(names.length === 1 ? '1 champ à corriger.' : names.length + ' champs à corriger.');
        var first = document.getElementById('field-' + names[0]);
        if (first) first.focus();
        return;
      }
      drawFields(state.fields);
      var summary = G.byId('summary');
      G.clear(summary);
      answer.summary.forEach(
        /** @param {{ label: string, value: string }} row */ function (row) {
          summary.appendChild(G.el('dt', { text: row.label }));
          summary.appendChild(G.el('dd', { text: row.value }));
        },
      );
      G.byId('summary-card').hidden = false;
      G.byId('summary-title').focus();
    }, fail);
  }

  /** @type {Record<string, string>} */
  var SMS = {
    queued: 'Un SMS avec la référence part au numéro indiqué.',
    opted_out: 'Ce numéro a refusé les SMS (STOP) : remettez le reçu imprimé.',
    none: 'Aucun numéro de téléphone donné : remettez le reçu imprimé.',
  };

  function file() {
    G.button('file').disabled = true;
    G.api(G.withTenant('/desk/requests'), { method: 'POST', body: body() }).then(
      function (filed) {
        G.button('file').disabled = false;
        G.byId('desk-form').hidden = true;
        G.byId('summary-card').hidden = true;
        G.byId('done-reference').textContent = 'Référence : ' + filed.reference;
        var confirmation = G.byId('done-confirmation');
        G.clear(confirmation);
        filed.confirmation.forEach(
          /** @param {string} line */ function (line) {
            confirmation.appendChild(G.el('p', { text: line }));
          },
        );
        G.byId('done-sms').textContent = SMS[filed.sms] || '';
        var ref = encodeURIComponent(filed.reference);
        G.byId('receipt-link').setAttribute('href', '/console/recu.html?ref=' + ref);
        G.byId('request-link').setAttribute('href', '/console/demande.html?ref=' + ref);
        G.byId('done-card').hidden = false;
        G.byId('done-title').focus();
      },
      /** @param {GuichetApiError} e */ function (e) {
        G.button('file').disabled = false;
        G.byId('summary-card').hidden = true;
        fail(e);
      },
    );
  }

  function again() {
    G.byId('done-card').hidden = true;
    G.byId('desk-form').hidden = false;
    chooseService();
    G.select('service').focus();
  }

  document.addEventListener('DOMContentLoaded', function () {
    G.resume()
      .then(function (signedIn) {
        if (!signedIn)
          throw Object.assign(new Error('Connectez-vous à la console pour enregistrer une demande.'), {
            status: 401,
          });
        return G.api(G.withTenant('/desk/services'));
      })
      .then(function (answer) {
        state.services = answer.items;
        var select = G.select('service');
        state.services.forEach(function (s) {
          select.appendChild(G.el('option', { value: s.id, text: s.label }));
        });
        G.byId('desk-form').hidden = false;
        chooseService();
        select.addEventListener('change', chooseService);
        G.byId('desk-form').addEventListener('submit', function (e) {
          e.preventDefault();
          check();
        });
        G.button('file').addEventListener('click', file);
        G.button('edit').addEventListener('click', function () {
          G.byId('summary-card').hidden = true;
          var first = document.querySelector('#fields select, #fields input, #fields textarea');
          if (first) /** @type {HTMLElement} */ (first).focus();
        });
        G.button('again').addEventListener('click', again);
      })
      .catch(function (/** @type {GuichetApiError} */ e) {
        var message = G.byId('page-error');
        message.textContent = e.message;
        if (e.status === 401)
          message.appendChild(G.el('a', { href: '/console', text: ' Aller à la connexion' }));
      });
  });
})();
