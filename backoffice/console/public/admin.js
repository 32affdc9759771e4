/*
 * Guichet console: the administrators' screen "Agents et accès" — invite agents (a one-time link to give
 * them), disable / enable them, send a new link, and the machine tokens (create, shown once; revoke).
 * console.js calls GuichetAdmin.start(me, api, withTenant) once someone is signed in.
 */
(function () {
  'use strict';

  var ROLE = { agent: 'Agent', supervisor: 'Responsable', admin: 'Administrateur' };
  var SIGN_IN = {
    oidc: 'Compte de la collectivité',
    password: 'Mot de passe',
    invited: 'Invitation en attente',
  };
  var ctx = null;

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
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

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Dates as the territory reads them: Europe/Paris, day and time. */
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

  function fail(error) {
    $('agents-error').textContent = (error && error.message) || 'Erreur';
  }

  /** A secret to hand over once: a read-only field to copy, and what it is for. */
  function showSecret(target, title, value, note) {
    clear(target);
    var id = target.id + '-value';
    target.appendChild(el('p', { text: title }));
    target.appendChild(el('label', { for: id, text: 'À copier' }));
    target.appendChild(el('input', { id: id, readonly: true, value: value }));
    target.appendChild(el('p', { className: 'hint', text: note }));
    $(id).focus();
    $(id).select();
  }

  function invitationShown(name, link) {
    showSecret(
      $('invite-result'),
      'Lien d’invitation pour ' + name + ' :',
      link.invitationUrl,
      'À transmettre à la personne. Il sert une seule fois, jusqu’au ' + when(link.expiresAt) + '.',
    );
  }

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
              .then(function (link) {
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
    ctx.api(ctx.withTenant('/agents')).then(function (page) {
      var body = $('agents-body');
      clear(body);
      page.items.forEach(function (a) {
        body.appendChild(agentRow(a));
      });
    }, fail);
    ctx.api(ctx.withTenant('/tokens')).then(function (page) {
      var body = $('tokens-body');
      clear(body);
      page.items.forEach(function (t) {
        body.appendChild(tokenRow(t));
      });
    }, fail);
  }

  function tenantBody(body) {
    if (ctx.me.tenantId === null) body.tenantId = document.getElementById('tenant').value;
    return body;
  }

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
      var name = $('invite-name').value.trim();
      var email = $('invite-email').value.trim();
      if (!name || !email) return fail({ message: 'Indiquez le nom et l’adresse e-mail.' });
      ctx
        .api('/agents', {
          method: 'POST',
          body: tenantBody({ name: name, email: email, role: $('invite-role').value }),
        })
        .then(function (created) {
          $('invite-name').value = '';
          $('invite-email').value = '';
          invitationShown(created.agent.name, created);
          load();
        }, fail);
    });
    $('token-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var name = $('new-token-name').value.trim();
      if (!name) return fail({ message: 'Indiquez le nom de l’application.' });
      ctx
        .api('/tokens', { method: 'POST', body: tenantBody({ name: name, role: $('new-token-role').value }) })
        .then(function (created) {
          $('new-token-name').value = '';
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
