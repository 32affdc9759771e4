/*
 * Guichet console: the administrators' screen "Agents et accès" — invite agents (a one-time link to give
 * them), disable / enable them, send a new link, and the machine tokens (create, shown once; revoke).
 * console.js calls GuichetAdmin.start(me, api, withTenant) once someone is signed in.
 */
(function () {
  'use strict';

  /**
   * @typedef {{ id: string, name: string, email: string | null, role: string, signIn: string,
   *   disabledAt: string | null, lastSignInAt: string | null }} AgentView
   * @typedef {{ id: string, name: string | null, role: string, createdAt: string, lastUsedAt: string | null,
   *   revokedAt: string | null }} TokenView
   * @typedef {{ invitationUrl: string, expiresAt: string }} InvitationLink
   * @typedef {{ me: Parameters<GuichetAdminApi['start']>[0], api: Parameters<GuichetAdminApi['start']>[1],
   *   withTenant: (path: string) => string }} AdminContext
   */

  /** @type {Record<string, string>} */
  var ROLE = { agent: 'Agent', supervisor: 'Responsable', admin: 'Administrateur' };
  /** @type {Record<string, string>} */
  var SIGN_IN = {
    oidc: 'Compte de la collectivité',
    password: 'Mot de passe',
    invited: 'Invitation en attente',
  };
  /** Set by start(): the signed-in administrator and console.js's API call. */
  var ctx = /** @type {AdminContext} */ (/** @type {unknown} */ (null));

  /**
   * @param {string} id
   * @returns {HTMLElement}
   */
  function $(id) {
    var node = document.getElementById(id);
    if (!node) throw new Error('#' + id + ' is missing from the page');
    return node;
  }

  /** @param {string} id */
  function field(id) {
    return /** @type {HTMLInputElement} */ ($(id));
  }

  /**
   * @param {string} tag
   * @param {Record<string, any>} [attrs]
   * @param {(Node | string | null)[]} [children]
   * @returns {HTMLElement}
   */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    var given = attrs || {};
    Object.keys(given).forEach(function (name) {
      var value = given[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = value;
      else if (name.indexOf('on') === 0) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  /** @param {Node} node */
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Dates as the territory reads them: Europe/Paris, day and time. */
  /** @param {string | null | undefined} iso */
  function when(iso) {
    if (!iso) return '—';
    return new Date(iso).toLocaleString('fr-FR', {
      timeZone: 'Europe/Paris',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  /** @param {{ message?: string } | null | undefined} error */
  function fail(error) {
    $('agents-error').textContent = (error && error.message) || 'Erreur';
  }

  /** A secret to hand over once: a read-only field to copy, and what it is for. */
  /**
   * @param {HTMLElement} target
   * @param {string} title
   * @param {string} value
   * @param {string} note
   */
  function showSecret(target, title, value, note) {
    clear(target);
    var id = target.id + '-value';
    target.appendChild(el('p', { text: title }));
    target.appendChild(el('label', { for: id, text: 'À copier' }));
    target.appendChild(el('input', { id: id, readonly: true, value: value }));
    target.appendChild(el('p', { className: 'hint', text: note }));
    field(id).focus();
    field(id).select();
  }

  /**
   * @param {string} name
   * @param {InvitationLink} link
   */
  function invitationShown(name, link) {
    showSecret(
      $('invite-result'),
      'Lien d’invitation pour ' + name + ' :',
      link.invitationUrl,
      'À transmettre à la personne. Il sert une seule fois, jusqu’au ' + when(link.expiresAt) + '.',
    );
  }

  /** @param {AgentView} a */
  function agentRow(a) {
    var actions = el('div', { className: 'row-actions' });
    var disabled = a.disabledAt !== null;
    if (a.id !== ctx.me.agentId) {
      actions.appendChild(
        el('button', {
          type: 'button',
          className: 'secondary',
          text: disabled ? 'Réactiver' : 'Désactiver',
          'aria-label': (disabled ? 'Réactiver ' : 'Désactiver ') + a.name,
          onclick: function () {
            ctx
              .api(
                ctx.withTenant('/agents/' + encodeURIComponent(a.id) + (disabled ? '/enable' : '/disable')),
                {
                  method: 'POST',
                  body: {},
                },
              )
              .then(load, fail);
          },
        }),
      );
    }
    if (!disabled && a.signIn !== 'oidc') {
      actions.appendChild(
        el('button', {
          type: 'button',
          className: 'secondary',
          text: 'Nouveau lien',
          'aria-label': 'Nouveau lien d’invitation pour ' + a.name,
          onclick: function () {
            ctx
              .api(ctx.withTenant('/agents/' + encodeURIComponent(a.id) + '/invitation'), {
                method: 'POST',
                body: {},
              })
              .then(function (/** @type {InvitationLink} */ link) {
                invitationShown(a.name, link);
              }, fail);
          },
        }),
      );
    }
    return el('tr', {}, [
      el('th', { scope: 'row', text: a.name + (disabled ? ' (désactivé)' : '') }),
      el('td', { text: a.email || '—' }),
      el('td', { text: ROLE[a.role] || a.role }),
      el('td', { text: SIGN_IN[a.signIn] || a.signIn }),
      el('td', { text: when(a.lastSignInAt) }),
      el('td', {}, [actions]),
    ]);
  }

  /** @param {TokenView} t */
  function tokenRow(t) {
    var revoked = t.revokedAt !== null;
    return el('tr', {}, [
      el('th', { scope: 'row', text: t.name || 'Sans nom' }),
      el('td', { text: ROLE[t.role] || t.role }),
      el('td', { text: when(t.createdAt) }),
      el('td', { text: when(t.lastUsedAt) }),
      el('td', { text: revoked ? 'Révoqué le ' + when(t.revokedAt) : 'Actif' }),
      el('td', {}, [
        revoked
          ? null
          : el('button', {
              type: 'button',
              className: 'secondary',
              text: 'Révoquer',
              'aria-label': 'Révoquer le jeton ' + (t.name || ''),
              onclick: function () {
                ctx
                  .api(ctx.withTenant('/tokens/' + encodeURIComponent(t.id)), { method: 'DELETE' })
                  .then(load, fail);
              },
            }),
      ]),
    ]);
  }

  function load() {
    $('agents-error').textContent = '';
    ctx.api(ctx.withTenant('/agents')).then(function (/** @type {{ items: AgentView[] }} */ page) {
      var body = $('agents-body');
      clear(body);
      page.items.forEach(function (/** @type {AgentView} */ a) {
        body.appendChild(agentRow(a));
      });
    }, fail);
    ctx.api(ctx.withTenant('/tokens')).then(function (/** @type {{ items: TokenView[] }} */ page) {
      var body = $('tokens-body');
      clear(body);
      page.items.forEach(function (/** @type {TokenView} */ t) {
        body.appendChild(tokenRow(t));
      });
    }, fail);
  }

  /**
   * @param {Record<string, string>} body
   * @returns {Record<string, string>}
   */
  function tenantBody(body) {
    if (ctx.me.tenantId === null) body.tenantId = field('tenant').value;
    return body;
  }

  /** @param {boolean} visible */
  function show(visible) {
    $('panel-agents').hidden = !visible;
    if (visible) load();
  }

  window.GuichetAdmin = {
    start: function (me, api, withTenant) {
      ctx = { me: me, api: api, withTenant: withTenant };
      $('tab-agents').hidden = me.role !== 'admin';
      show(false);
    },
  };

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('.tab'), function (tab) {
      tab.addEventListener('click', function () {
        show(tab.getAttribute('data-tab') === 'agents');
      });
    });
    $('invite-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var name = field('invite-name').value.trim();
      var email = field('invite-email').value.trim();
      if (!name || !email) return fail({ message: 'Indiquez le nom et l’adresse e-mail.' });
      ctx
        .api('/agents', {
          method: 'POST',
          body: tenantBody({ name: name, email: email, role: field('invite-role').value }),
        })
        .then(function (/** @type {InvitationLink & { agent: AgentView }} */ created) {
          field('invite-name').value = '';
          field('invite-email').value = '';
          invitationShown(created.agent.name, created);
          load();
        }, fail);
    });
    $('token-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var name = field('new-token-name').value.trim();
      if (!name) return fail({ message: 'Indiquez le nom de l’application.' });
      ctx
        .api('/tokens', {
          method: 'POST',
          body: tenantBody({ name: name, role: field('new-token-role').value }),
        })
        .then(function (/** @type {{ token: string }} */ created) {
          field('new-token-name').value = '';
          showSecret(
            $('token-result'),
            'Jeton de ' + name + ' :',
            created.token,
            'Copiez-le maintenant dans l’application : il ne sera plus jamais affiché.',
          );
          load();
        }, fail);
    });
  });
})();
