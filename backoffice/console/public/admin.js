/*
 * Guichet console: the administrators' screen "Agents et accès" — invite agents (a one-time link to give
 * them), disable / enable them, send a new link, and the machine tokens (create, shown once; revoke) — and
 * "Équipes et routage": teams with their scope (communes, request types) and members, and the routing rules
 * in order (administrators change them, supervisors read them). Everything is shown by name (vocabulary).
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
   * @typedef {{ id: string, name: string, authorityId: string | null, communes: string[],
   *   requestTypes: string[], members: { agentId: string, name: string }[] }} TeamView
   * @typedef {{ id: string, requestType: string, category: string | null, communeId: string | null,
   *   teamId: string, position: number }} RuleView
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
      el('td', { text: teamsOfAgent(a.id) }),
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

  // Two changes in a row (an invitation, then a token): only the lists reloaded after the second are drawn, and
  // only then are the teams and agents they read kept.
  var lastAgents = window.Guichet.latestOnly();
  var lastTokens = window.Guichet.latestOnly();

  function load() {
    $('agents-error').textContent = '';
    lastAgents(Promise.all([ctx.api(ctx.withTenant('/agents')), loadTeams()])).then(function (results) {
      teams = results[1];
      var page = /** @type {{ items: AgentView[] }} */ (results[0]);
      agents = page.items;
      var body = $('agents-body');
      clear(body);
      page.items.forEach(function (/** @type {AgentView} */ a) {
        body.appendChild(agentRow(a));
      });
    }, fail);
    var tokens = lastTokens(ctx.api(ctx.withTenant('/tokens')));
    tokens.then(function (/** @type {{ items: TokenView[] }} */ page) {
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

  // ---------- teams and routing rules ----------

  /** @type {TeamView[]} */
  var teams = [];
  /** @type {AgentView[]} */
  var agents = [];
  /** @type {GuichetVocabulary | null} */
  var vocab = null;

  /** @returns {boolean} */
  function canEdit() {
    return ctx.me.role === 'admin';
  }

  /** The names of an agent's teams, for the agents table. */
  /** @param {string} agentId */
  function teamsOfAgent(agentId) {
    var names = teams
      .filter(function (t) {
        return t.members.some(function (m) {
          return m.agentId === agentId;
        });
      })
      .map(function (t) {
        return t.name;
      });
    return names.length ? names.join(', ') : '—';
  }

  /** @param {{ message?: string } | null | undefined} error */
  function teamsFail(error) {
    $('teams-error').textContent = (error && error.message) || 'Erreur';
  }

  /** A request type or 'type:category' by name ("Signalement — Éclairage public"). */
  /** @param {string} key */
  function scopeTypeLabel(key) {
    var at = key.indexOf(':');
    if (at < 0) return window.Guichet.label(vocab, 'requestTypes', key);
    return (
      window.Guichet.label(vocab, 'requestTypes', key.slice(0, at)) +
      ' — ' +
      window.Guichet.label(vocab, 'categories', key)
    );
  }

  /** The teams, for the caller to keep if its load is still the last one asked. @returns {Promise<TeamView[]>} */
  function loadTeams() {
    return Promise.all([ctx.api(ctx.withTenant('/teams')), window.Guichet.vocabulary()]).then(
      function (results) {
        vocab = /** @type {GuichetVocabulary} */ (results[1]);
        return /** @type {{ items: TeamView[] }} */ (results[0]).items;
      },
    );
  }

  /**
   * A group of checkboxes in a fieldset, ticked for the chosen ids.
   * @param {string} legend
   * @param {string} prefix
   * @param {{ id: string, label: string }[]} options
   * @param {string[]} chosen
   */
  function checkboxes(legend, prefix, options, chosen) {
    var set = el('fieldset', { className: 'checks' }, [el('legend', { text: legend })]);
    options.forEach(function (o, i) {
      var id = prefix + '-' + i;
      set.appendChild(
        el('div', { className: 'check' }, [
          el('input', { type: 'checkbox', id: id, value: o.id, checked: chosen.indexOf(o.id) >= 0 }),
          el('label', { for: id, text: o.label }),
        ]),
      );
    });
    return set;
  }

  /** @param {HTMLElement} set @returns {string[]} */
  function ticked(set) {
    /** @type {string[]} */
    var out = [];
    set.querySelectorAll('input:checked').forEach(function (input) {
      out.push(/** @type {HTMLInputElement} */ (input).value);
    });
    return out;
  }

  /** @param {Record<string, string>} labels @returns {{ id: string, label: string }[]} */
  function optionsOf(labels) {
    return Object.keys(labels).map(function (id) {
      return { id: id, label: labels[id] || id };
    });
  }

  /** Request types and their categories ('type:category'), by name. */
  function scopeTypeOptions() {
    var v = /** @type {GuichetVocabulary} */ (vocab);
    /** @type {{ id: string, label: string }[]} */
    var out = [];
    Object.keys(v.requestTypes).forEach(function (type) {
      out.push({ id: type, label: scopeTypeLabel(type) });
      Object.keys(v.categories).forEach(function (key) {
        if (key.indexOf(type + ':') === 0) out.push({ id: key, label: scopeTypeLabel(key) });
      });
    });
    return out;
  }

  /** The edit form of a team (administrators), inside a disclosure. */
  /** @param {TeamView} t @param {number} n */
  function teamEditor(t, n) {
    var prefix = 'team-' + n;
    var name = el('input', { id: prefix + '-name', value: t.name, maxlength: 120, required: true });
    var communes = checkboxes(
      'Communes (aucune cochée : toutes)',
      prefix + '-commune',
      optionsOf(vocab ? vocab.communes : {}),
      t.communes,
    );
    var types = checkboxes(
      'Types de demandes (aucun coché : tous)',
      prefix + '-type',
      scopeTypeOptions(),
      t.requestTypes,
    );
    var people = agents.length
      ? agents
      : t.members.map(function (m) {
          return /** @type {AgentView} */ ({
            id: m.agentId,
            name: m.name,
            email: null,
            role: 'agent',
            signIn: 'password',
            disabledAt: null,
            lastSignInAt: null,
          });
        });
    var members = checkboxes(
      'Membres',
      prefix + '-member',
      people.map(function (a) {
        return { id: a.id, label: a.name + ' (' + (ROLE[a.role] || a.role) + ')' };
      }),
      t.members.map(function (m) {
        return m.agentId;
      }),
    );
    var authority = /** @type {HTMLSelectElement} */ (el('select', { id: prefix + '-authority' }));
    fill(authority, optionsOf(vocab ? vocab.authorities : {}), 'Toutes les autorités');
    authority.value = t.authorityId || '';
    var form = el('form', { className: 'team-edit', novalidate: true }, [
      el('label', { for: prefix + '-name', text: 'Nom' }),
      name,
      el('label', { for: prefix + '-authority', text: 'Autorité compétente' }),
      authority,
      communes,
      types,
      members,
      el('div', { className: 'row-actions' }, [
        el('button', { type: 'submit', text: 'Enregistrer' }),
        el('button', {
          type: 'button',
          className: 'secondary',
          text: 'Supprimer l’équipe',
          onclick: function () {
            if (!window.confirm('Supprimer l’équipe ' + t.name + ' ? Ses demandes quittent sa file.')) return;
            ctx
              .api(ctx.withTenant('/teams/' + encodeURIComponent(t.id)), { method: 'DELETE' })
              .then(function () {
                window.Guichet.announce('Équipe ' + t.name + ' supprimée');
                loadPanel();
              }, teamsFail);
          },
        }),
      ]),
    ]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var newName = /** @type {HTMLInputElement} */ (name).value.trim();
      if (!newName) return teamsFail({ message: 'Indiquez le nom de l’équipe.' });
      ctx
        .api(ctx.withTenant('/teams/' + encodeURIComponent(t.id)), {
          method: 'POST',
          body: {
            name: newName,
            authorityId: authority.value || null,
            communes: ticked(communes),
            requestTypes: ticked(types),
            memberIds: ticked(members),
          },
        })
        .then(function () {
          window.Guichet.announce('Équipe ' + newName + ' enregistrée');
          loadPanel();
        }, teamsFail);
    });
    return el('details', {}, [el('summary', { text: 'Modifier l’équipe ' + t.name }), form]);
  }

  /** @param {TeamView} t @param {number} n */
  function teamCard(t, n) {
    var communes = t.communes.length
      ? t.communes
          .map(function (c) {
            return window.Guichet.label(vocab, 'communes', c);
          })
          .join(', ')
      : 'Toutes les communes';
    var types = t.requestTypes.length
      ? t.requestTypes.map(scopeTypeLabel).join(', ')
      : 'Tous les types de demandes';
    var members = t.members.length
      ? t.members
          .map(function (m) {
            return m.name;
          })
          .join(', ')
      : 'Aucun membre';
    return el('article', { className: 'team', 'aria-labelledby': 'team-' + n + '-title' }, [
      el('h3', { id: 'team-' + n + '-title', text: t.name }),
      el('dl', {}, [
        el('dt', { text: 'Autorité' }),
        el('dd', {
          text: t.authorityId ? window.Guichet.label(vocab, 'authorities', t.authorityId) : 'Toutes',
        }),
        el('dt', { text: 'Communes' }),
        el('dd', { text: communes }),
        el('dt', { text: 'Demandes' }),
        el('dd', { text: types }),
        el('dt', { text: 'Membres' }),
        el('dd', { text: members }),
      ]),
      canEdit() ? teamEditor(t, n) : null,
    ]);
  }

  /** @param {RuleView} r @param {number} i @param {RuleView[]} all */
  function ruleItem(r, i, all) {
    var team = teams.filter(function (t) {
      return t.id === r.teamId;
    })[0];
    var what =
      window.Guichet.label(vocab, 'requestTypes', r.requestType) +
      (r.category
        ? ' · ' + window.Guichet.label(vocab, 'categories', r.requestType + ':' + r.category)
        : ' · toutes catégories') +
      (r.communeId ? ' · ' + window.Guichet.label(vocab, 'communes', r.communeId) : ' · toutes communes');
    var text = what + ' → ' + (team ? team.name : '—');
    /** @param {-1 | 1} by */
    function move(by) {
      ctx
        .api(ctx.withTenant('/routing-rules/' + encodeURIComponent(r.id) + '/move'), {
          method: 'POST',
          body: { by: by },
        })
        .then(function () {
          window.Guichet.announce('Règle déplacée');
          loadPanel();
        }, teamsFail);
    }
    return el('li', {}, [
      el('span', { text: text }),
      canEdit()
        ? el('span', { className: 'row-actions' }, [
            el('button', {
              type: 'button',
              className: 'secondary',
              text: 'Monter',
              'aria-label': 'Monter la règle ' + text,
              disabled: i === 0,
              onclick: function () {
                move(-1);
              },
            }),
            el('button', {
              type: 'button',
              className: 'secondary',
              text: 'Descendre',
              'aria-label': 'Descendre la règle ' + text,
              disabled: i === all.length - 1,
              onclick: function () {
                move(1);
              },
            }),
            el('button', {
              type: 'button',
              className: 'secondary',
              text: 'Supprimer',
              'aria-label': 'Supprimer la règle ' + text,
              onclick: function () {
                ctx
                  .api(ctx.withTenant('/routing-rules/' + encodeURIComponent(r.id)), { method: 'DELETE' })
                  .then(function () {
                    window.Guichet.announce('Règle supprimée');
                    loadPanel();
                  }, teamsFail);
              },
            }),
          ])
        : null,
    ]);
  }

  /** @param {HTMLSelectElement} select @param {{ id: string, label: string }[]} options @param {string} [any] */
  function fill(select, options, any) {
    var keep = select.value;
    clear(select);
    if (any !== undefined) select.appendChild(el('option', { value: '', text: any }));
    options.forEach(function (o) {
      select.appendChild(el('option', { value: o.id, text: o.label, selected: o.id === keep }));
    });
  }

  function fillCategories() {
    var type = /** @type {HTMLSelectElement} */ ($('rule-type')).value;
    var v = /** @type {GuichetVocabulary} */ (vocab);
    var options = Object.keys(v.categories)
      .filter(function (key) {
        return key.indexOf(type + ':') === 0;
      })
      .map(function (key) {
        return { id: key.slice(type.length + 1), label: v.categories[key] || key };
      });
    fill(/** @type {HTMLSelectElement} */ ($('rule-category')), options, 'Toutes les catégories');
  }

  /** Two changes in a row (two teams created, a rule moved twice): only the screen reloaded last is drawn. */
  var lastPanel = window.Guichet.latestOnly();

  function loadPanel() {
    $('teams-error').textContent = '';
    var loadAgents = canEdit()
      ? ctx.api(ctx.withTenant('/agents')).then(function (/** @type {{ items: AgentView[] }} */ page) {
          return page.items.filter(function (a) {
            return a.disabledAt === null;
          });
        })
      : Promise.resolve(agents);
    var answers = lastPanel(
      Promise.all([loadTeams(), ctx.api(ctx.withTenant('/routing-rules')), loadAgents]),
    );
    answers.then(function (results) {
      teams = results[0];
      agents = results[2];
      var rules = /** @type {{ items: RuleView[] }} */ (results[1]).items;
      var v = /** @type {GuichetVocabulary} */ (vocab);
      var list = $('teams-list');
      clear(list);
      if (teams.length === 0)
        list.appendChild(el('p', { className: 'hint', text: 'Aucune équipe pour le moment.' }));
      teams.forEach(function (t, n) {
        list.appendChild(teamCard(t, n));
      });
      var ol = $('rules-list');
      clear(ol);
      if (rules.length === 0)
        ol.appendChild(
          el('li', {
            className: 'hint',
            text: 'Aucune règle : les nouvelles demandes ne vont dans aucune file.',
          }),
        );
      rules.forEach(function (r, i) {
        ol.appendChild(ruleItem(r, i, rules));
      });
      $('team-form').hidden = !canEdit();
      $('rule-form').hidden = !canEdit() || teams.length === 0;
      fill(/** @type {HTMLSelectElement} */ ($('rule-type')), optionsOf(v.requestTypes));
      fillCategories();
      fill(
        /** @type {HTMLSelectElement} */ ($('rule-commune')),
        optionsOf(v.communes),
        'Toutes les communes',
      );
      fill(
        /** @type {HTMLSelectElement} */ ($('rule-team')),
        teams.map(function (t) {
          return { id: t.id, label: t.name };
        }),
      );
    }, teamsFail);
  }

  /** @param {boolean} visible */
  function showTeams(visible) {
    $('panel-teams').hidden = !visible;
    if (visible) loadPanel();
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
      $('tab-teams').hidden = me.role === 'agent';
      show(false);
      showTeams(false);
    },
  };

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('.tab'), function (tab) {
      tab.addEventListener('click', function () {
        show(tab.getAttribute('data-tab') === 'agents');
        showTeams(tab.getAttribute('data-tab') === 'teams');
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
    $('team-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var name = field('team-name').value.trim();
      if (!name) return teamsFail({ message: 'Indiquez le nom de l’équipe.' });
      ctx.api('/teams', { method: 'POST', body: tenantBody({ name: name }) }).then(function () {
        field('team-name').value = '';
        window.Guichet.announce('Équipe ' + name + ' créée');
        loadPanel();
      }, teamsFail);
    });
    $('rule-type').addEventListener('change', fillCategories);
    $('rule-form').addEventListener('submit', function (e) {
      e.preventDefault();
      /** @type {Record<string, string>} */
      var body = { requestType: field('rule-type').value, teamId: field('rule-team').value };
      if (field('rule-category').value) body.category = field('rule-category').value;
      if (field('rule-commune').value) body.communeId = field('rule-commune').value;
      ctx.api('/routing-rules', { method: 'POST', body: tenantBody(body) }).then(function () {
        window.Guichet.announce('Règle ajoutée');
        loadPanel();
      }, teamsFail);
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
