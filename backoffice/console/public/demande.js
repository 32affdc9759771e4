// @ts-check
/*
 * A request's page (/console/demande.html?ref=DEM-…): everything about it with French labels, its place on a map
 * (the point and the address stay readable when tiles cannot load), one timeline, and the actions that work it:
 * status, transfer to another authority of the territory, reply to the citizen (saved replies), internal note,
 * contact shown on demand (audited by the server), and its interventions (work orders), which supervisors plan
 * from here for a team.
 * Everything comes from /api/v1 through common.js; text is written with textContent only.
 */
(function () {
  'use strict';
  var G = window.Guichet;
  var ref = new URLSearchParams(location.search).get('ref') || '';
  /** @type {GuichetVocabulary | null} */
  var vocabulary = null;
  /** @type {any} */
  var leafletMap = null;

  /** @param {string} path */
  function requestPath(path) {
    return G.withTenant('/requests/' + encodeURIComponent(ref) + path);
  }

  /** @param {HTMLElement} dl @param {string} label @param {string | null | undefined} value */
  function fact(dl, label, value) {
    if (!value) return;
    dl.appendChild(G.el('dt', { text: label }));
    dl.appendChild(G.el('dd', { text: value }));
  }

  /** @param {string} iso */
  function age(iso) {
    var days = Math.floor((Date.now() - new Date(iso).getTime()) / 86400000);
    return days <= 0 ? 'aujourd’hui' : days === 1 ? 'il y a 1 jour' : 'il y a ' + days + ' jours';
  }

  /** @param {any} r */
  function render(r) {
    var v = vocabulary;
    var type = G.label(v, 'requestTypes', r.type);
    var category = r.payload && typeof r.payload.category === 'string' ? r.payload.category : null;
    var categoryLabel = category
      ? (v && v.categories[r.type + ':' + category]) || G.label(v, 'categories', category)
      : null;
    document.title = 'Demande ' + r.reference + ' – Guichet';
    G.byId('request-title').textContent = 'Demande ' + r.reference;
    G.byId('request-status').textContent =
      'Statut : ' + G.label(v, 'statuses', r.status) + ' · déposée ' + age(r.createdAt);
    var summary = G.byId('summary');
    G.clear(summary);
    fact(summary, 'Type', type);
    fact(summary, 'Catégorie', categoryLabel);
    fact(summary, 'Commune', r.communeId ? G.label(v, 'communes', r.communeId) : null);
    fact(summary, 'Service compétent', G.label(v, 'authorities', r.authorityId));
    fact(summary, 'Canal', G.label(v, 'channels', r.channel));
    fact(summary, 'Équipe', r.teamId ? G.label(v, 'teams', r.teamId) : 'Aucune');
    fact(
      summary,
      'Agent',
      r.assignedAgentId ? G.label(v, 'agents', r.assignedAgentId) : r.assignedTo || 'Personne',
    );
    if (r.conversation) {
      // The conversation the request came from, opened in the console's conversation view.
      summary.appendChild(G.el('dt', { text: 'Conversation' }));
      summary.appendChild(
        G.el('dd', {}, [
          G.el('a', {
            href: '/console?conversation=' + encodeURIComponent(r.conversation.id),
            text:
              G.label(v, 'channels', r.conversation.channel) +
              ' · ' +
              (r.conversation.status === 'open' ? 'en cours' : 'terminée'),
          }),
        ]),
      );
    }
    var followers = r.followers || [];
    fact(
      summary,
      'Suivie aussi par',
      followers.length === 0
        ? null
        : (followers.length === 1 ? '1 personne' : followers.length + ' personnes') +
            ' ayant signalé le même problème (' +
            followers
              .map(
                /** @param {{ since: string, channel: string | null }} f */ function (f) {
                  return (f.channel ? G.label(v, 'channels', f.channel) + ', ' : '') + G.when(f.since);
                },
              )
              .join(' ; ') +
            ')',
    );
    fact(summary, 'Déposée le', G.when(r.createdAt));
    fact(summary, 'Mise à jour', G.when(r.updatedAt));
    if (r.resolvedAt) fact(summary, 'Résolue le', G.when(r.resolvedAt));

    var typed = r.payload && r.payload.address ? r.payload.address : {};
    var address =
      r.addressText ||
      (r.location && r.location.label) ||
      (typeof typed.label === 'string' && typed.label) ||
      (typeof typed.text === 'string' && typed.text) ||
      null;
    G.byId('address').textContent = address || 'Adresse non précisée';
    renderMap(r, address);

    var details = G.byId('details');
    G.clear(details);
    fact(details, 'Description', typeof r.payload.description === 'string' ? r.payload.description : null);
    fact(details, 'Texte publié', r.publicDescription || 'Aucun (rien n’est publié)');
    var photo = G.byId('photo');
    G.clear(photo);
    // A voice message left on the phone line: its length, its transcription (when Twilio sent one), the player
    // (in the place of a photo: a call has none).
    var voice = r.payload.voiceMessage;
    var photoUrl = r.payload.photo && typeof r.payload.photo.url === 'string' ? r.payload.photo.url : null;
    if (voice && typeof voice.recordingSid === 'string') {
      fact(details, 'Message vocal', typeof voice.durationS === 'number' ? voice.durationS + ' s' : null);
      fact(
        details,
        'Transcription',
        typeof voice.transcription === 'string' ? voice.transcription : 'Pas encore de transcription.',
      );
      photo.appendChild(
        G.voicePlayer(requestPath('/voice-message'), function () {
          location.href = '/console';
        }),
      );
    } else if (photoUrl && /^https?:\/\//.test(photoUrl))
      photo.appendChild(
        G.el('a', {
          href: photoUrl,
          rel: 'noopener noreferrer',
          target: '_blank',
          text: 'Voir la photo jointe (nouvel onglet)',
        }),
      );
    else if (photoUrl && photoUrl.indexOf('media:') === 0) showCitizenPhoto(photo);
    else photo.textContent = 'Pas de photo.';

    fillChoices(G.select('assign-team'), (v && v.teams) || {}, r.teamId, 'Aucune équipe');
    fillChoices(G.select('assign-agent'), (v && v.agents) || {}, r.assignedAgentId, 'Personne');

    fillAuthorities(r.authorityId);

    var select = G.select('status-select');
    G.clear(select);
    Object.keys((v && v.statuses) || {}).forEach(function (s) {
      var option = /** @type {HTMLOptionElement} */ (
        G.el('option', { value: s, text: G.label(v, 'statuses', s) })
      );
      if (s === r.status) option.selected = true;
      select.appendChild(option);
    });
    G.byId('request').hidden = false;
  }

  /**
   * Options of a select from a vocabulary group, sorted by name, with an empty first choice.
   * @param {HTMLSelectElement} select @param {Record<string, string>} labels @param {string | null} chosen
   * @param {string} none
   */
  function fillChoices(select, labels, chosen, none) {
    G.clear(select);
    select.appendChild(G.el('option', { value: '', text: none }));
    Object.keys(labels)
      .sort(function (a, b) {
        return labels[a].localeCompare(labels[b], 'fr');
      })
      .forEach(function (id) {
        var option = /** @type {HTMLOptionElement} */ (G.el('option', { value: id, text: labels[id] }));
        if (id === chosen) option.selected = true;
        select.appendChild(option);
      });
  }

  /**
   * The authorities the request may go to: every one of the territory but the one handling it now.
   * @param {string} current
   */
  function fillAuthorities(current) {
    var all = (vocabulary && vocabulary.authorities) || {};
    /** @type {Record<string, string>} */
    var others = {};
    Object.keys(all).forEach(function (id) {
      if (id !== current) others[id] = all[id];
    });
    var select = G.select('transfer-authority');
    var chosen = select.value;
    fillChoices(select, others, chosen in others ? chosen : null, '— Choisir une structure —');
  }

  /** @param {any} r @param {string | null} address */
  function renderMap(r, address) {
    var container = G.byId('map');
    var note = G.byId('map-note');
    if (!r.location) {
      container.hidden = true;
      note.textContent = 'Position non localisée : seule l’adresse ci-dessus est connue.';
      return;
    }
    note.textContent =
      'Position : ' +
      r.location.lat.toFixed(5) +
      ', ' +
      r.location.lon.toFixed(5) +
      ' (latitude, longitude).';
    container.hidden = false;
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', 'Carte : position de la demande' + (address ? ', ' + address : ''));
    var L = /** @type {any} */ (window).L;
    if (!L || leafletMap) return;
    fetch('/console/map-settings.json', { cache: 'no-store' })
      .then(function (res) {
        return res.json();
      })
      .then(function (/** @type {{ tileUrl: string, attribution: string }} */ settings) {
        // Not a keyboard trap: the map is a picture here (no keyboard handlers); the point and the address are text.
        // A picture of the place: nothing inside is focusable (no zoom buttons, no keyboard handler, no link in
        // the attribution), so the map is neither a keyboard trap nor a nest of controls; double-click and pinch
        // still zoom. The position and the address are written out beside it.
        leafletMap = L.map(container, {
          keyboard: false,
          scrollWheelZoom: false,
          zoomControl: false,
        }).setView([r.location.lat, r.location.lon], 17);
        leafletMap.attributionControl.setPrefix(false);
        L.tileLayer(settings.tileUrl, { attribution: settings.attribution, maxZoom: 19 }).addTo(leafletMap);
        // A vector marker: drawn even when no tile (nor image) can load.
        L.circleMarker([r.location.lat, r.location.lon], {
          interactive: false,
          radius: 10,
          color: '#b00020',
          weight: 3,
          fillColor: '#b00020',
          fillOpacity: 0.5,
        }).addTo(leafletMap);
      })
      .catch(function () {
        note.textContent += ' La carte n’a pas pu être affichée.';
      });
  }

  /** @param {any} item */
  function timelineEntry(item) {
    var li = G.el('li', { className: 'kind-' + item.kind });
    li.appendChild(G.el('span', { className: 'when', text: G.when(item.at) + ' · ' }));
    li.appendChild(G.el('span', { className: 'what', text: item.label }));
    if (item.actor) li.appendChild(G.el('span', { className: 'when', text: ' · ' + actorName(item.actor) }));
    if (item.public) li.appendChild(G.el('span', { className: 'delivery', text: 'publiable' }));
    if (item.delivery)
      li.appendChild(
        G.el('span', {
          className: 'delivery delivery-' + item.delivery.status,
          text: item.delivery.label + (item.delivery.error ? ' (' + item.delivery.error + ')' : ''),
        }),
      );
    if (item.text) li.appendChild(G.el('p', { text: item.text }));
    return li;
  }

  /** "agent:…", "token:…", "routage automatique" → a readable name. @param {string} actor */
  function actorName(actor) {
    var v = vocabulary;
    var id = actor.replace(/^(agent|session):/, '');
    if (v && v.agents[id]) return v.agents[id];
    if (/^(token|open311|agent|session):/.test(actor)) return 'un agent';
    if (actor === 'bot' || actor === 'system') return 'l’assistant';
    return actor;
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  var refresh;
  /** Two actions in a row, or an action during the refresh below: only the last timeline asked is drawn. */
  var lastTimeline = G.latestOnly();

  function loadTimeline() {
    return lastTimeline(G.api(requestPath('/timeline'))).then(function (body) {
      var list = G.byId('timeline');
      G.clear(list);
      body.items.forEach(function (/** @type {any} */ item) {
        list.appendChild(timelineEntry(item));
      });
      // A message still on its way: look again shortly, so "Remis" or "Échec" shows without reloading.
      clearTimeout(refresh);
      var pending = body.items.some(function (/** @type {any} */ i) {
        return i.delivery && i.delivery.status === 'pending';
      });
      if (pending) refresh = setTimeout(loadTimeline, 3000);
    });
  }

  function loadRequest() {
    return G.api(requestPath('')).then(render);
  }

  /** "2026-12-12" → "12/12/2026": a calendar day, shown as it is (no time zone moves it). @param {string} day */
  function day(day) {
    var parts = day.split('-');
    return parts[2] + '/' + parts[1] + '/' + parts[0];
  }

  /** @param {any} i */
  function interventionEntry(i) {
    var v = vocabulary;
    var li = G.el('li', { className: 'intervention-' + i.status });
    li.appendChild(G.el('h3', { text: i.what }));
    var dl = G.el('dl', { className: 'facts' });
    fact(dl, 'Statut', G.label(v, 'interventionStatuses', i.status));
    fact(dl, 'Équipe', i.teamId ? G.label(v, 'teams', i.teamId) : 'Aucune');
    fact(dl, 'Prévue le', i.plannedFor ? day(i.plannedFor) : 'Date à fixer');
    fact(dl, 'Priorité', G.label(v, 'priorities', i.priority));
    fact(dl, 'Consignes', i.notes);
    fact(dl, 'Motif', i.reason);
    fact(dl, 'Compte rendu', i.doneComment);
    li.appendChild(dl);
    if (i.donePhoto && i.donePhoto.indexOf('/api/v1/') === 0) {
      // A photo taken by the field team, stored here: shown in the page.
      var figure = G.el('figure', { className: 'done-photo' }, [
        G.el('figcaption', { text: 'Photo de fin de travaux' }),
      ]);
      li.appendChild(figure);
      G.image(i.donePhoto.slice('/api/v1'.length)).then(
        function (url) {
          figure.insertBefore(
            G.el('img', { src: url, alt: 'Photo de fin de travaux : ' + i.what }),
            figure.firstChild,
          );
        },
        function () {
          figure.appendChild(G.el('p', { className: 'hint', text: 'La photo n’a pas pu être chargée.' }));
        },
      );
    } else if (i.donePhoto && /^https?:\/\//.test(i.donePhoto))
      li.appendChild(
        G.el('p', {}, [
          G.el('a', {
            href: i.donePhoto,
            rel: 'noopener noreferrer',
            target: '_blank',
            text: 'Voir la photo de fin de travaux (nouvel onglet)',
          }),
        ]),
      );
    return li;
  }

  /**
   * The photo the citizen sent (web chat, MMS/WhatsApp), stored here: shown to the agent, private until an
   * agent publishes it (then Open311 names it).
   * @param {HTMLElement} box
   */
  function showCitizenPhoto(box) {
    G.api(requestPath('/photos')).then(
      function (/** @type {{ items: { id: string, url: string, published: boolean }[] }} */ body) {
        var item = body.items[0];
        if (!item) {
          box.textContent = 'Pas de photo.';
          return;
        }
        var figure = G.el('figure', { className: 'done-photo' }, [
          G.el('figcaption', { text: 'Photo envoyée par le demandeur' }),
        ]);
        var state = G.el('p', { className: 'hint', role: 'status' });
        var toggle = /** @type {HTMLButtonElement} */ (
          G.el('button', { type: 'button', className: 'secondary' })
        );
        var published = item.published;
        var show = function () {
          state.textContent = published
            ? 'Photo publiée : visible de tous (Open311).'
            : 'Photo non publiée : visible des agents seulement.';
          toggle.textContent = published ? 'Retirer la publication' : 'Publier la photo';
        };
        show();
        toggle.addEventListener('click', function () {
          toggle.disabled = true;
          G.api(G.withTenant(item.url.slice('/api/v1'.length) + '/publication'), {
            method: 'PUT',
            body: { published: !published },
          })
            .then(function (/** @type {{ published: boolean }} */ r) {
              published = r.published;
              show();
            })
            .catch(function (/** @type {Error} */ e) {
              state.textContent = e.message;
            })
            .then(function () {
              toggle.disabled = false;
            });
        });
        box.appendChild(figure);
        box.appendChild(state);
        box.appendChild(toggle);
        G.image(G.withTenant(item.url.slice('/api/v1'.length))).then(
          function (url) {
            figure.insertBefore(
              G.el('img', { src: url, alt: 'Photo envoyée par le demandeur' }),
              figure.firstChild,
            );
          },
          function () {
            figure.appendChild(G.el('p', { className: 'hint', text: 'La photo n’a pas pu être chargée.' }));
          },
        );
      },
      function () {
        box.textContent = 'La photo n’a pas pu être chargée.';
      },
    );
  }

  function loadInterventions() {
    return G.api(requestPath('/interventions')).then(function (body) {
      var list = G.byId('interventions');
      G.clear(list);
      if (body.items.length === 0)
        list.appendChild(G.el('li', { className: 'hint', text: 'Aucune intervention prévue.' }));
      body.items.forEach(function (/** @type {any} */ i) {
        list.appendChild(interventionEntry(i));
      });
    });
  }

  /** Supervisors and administrators plan interventions: the form, with the tenant's teams and the priorities. */
  function offerInterventionForm() {
    return G.api('/me').then(function (me) {
      if (me.role !== 'supervisor' && me.role !== 'admin') return;
      var v = vocabulary;
      fillChoices(G.select('intervention-team'), (v && v.teams) || {}, null, 'Aucune équipe pour l’instant');
      var priority = G.select('intervention-priority');
      G.clear(priority);
      ['low', 'normal', 'high', 'urgent'].forEach(function (p) {
        var option = /** @type {HTMLOptionElement} */ (
          G.el('option', { value: p, text: G.label(v, 'priorities', p) })
        );
        if (p === 'normal') option.selected = true;
        priority.appendChild(option);
      });
      G.byId('intervention-form').hidden = false;
    });
  }

  function loadSavedReplies() {
    return G.api(G.withTenant('/saved-replies')).then(function (body) {
      var select = G.select('saved-reply');
      G.clear(select);
      select.appendChild(G.el('option', { value: '', text: '— Texte libre —' }));
      body.items.forEach(function (/** @type {any} */ r) {
        select.appendChild(G.el('option', { value: r.id, text: r.title, 'data-body': r.body }));
      });
    });
  }

  /** @param {string} errorId @param {unknown} error */
  function showError(errorId, error) {
    G.byId(errorId).textContent = error instanceof Error ? error.message : String(error);
  }

  function wire() {
    G.byId('reveal').addEventListener('click', function () {
      G.api(requestPath('/contact')).then(
        function (c) {
          var dl = G.byId('contact');
          G.clear(dl);
          fact(dl, 'Nom', c.displayName || 'Non renseigné');
          fact(dl, 'Téléphone', c.phone || 'Non renseigné');
          fact(dl, 'Courriel', c.email || 'Non renseigné');
          fact(dl, 'Joignable par', c.reachedOn || '—');
          dl.hidden = false;
          G.byId('reveal').hidden = true;
          dl.setAttribute('tabindex', '-1');
          dl.focus();
          G.announce('Coordonnées affichées.');
        },
        function (/** @type {unknown} */ e) {
          G.announce(e instanceof Error ? e.message : 'Erreur');
        },
      );
    });

    G.select('saved-reply').addEventListener('change', function () {
      var option = G.select('saved-reply').selectedOptions[0];
      var body = option ? option.getAttribute('data-body') : null;
      G.textarea('reply-text').value = body || '';
      G.textarea('reply-text').readOnly = Boolean(body);
      G.byId('reply-hint').textContent = body
        ? 'Réponse type : {reference}, {statut}, {commune} et {service} seront remplacés à l’envoi.'
        : 'Envoyé sur le canal du demandeur ; visible dans l’historique.';
    });

    G.byId('reply-form').addEventListener('submit', function (event) {
      event.preventDefault();
      G.byId('reply-error').textContent = '';
      var saved = G.select('saved-reply').value;
      var text = G.textarea('reply-text').value.trim();
      if (!saved && !text)
        return showError('reply-error', 'Écrivez un message ou choisissez une réponse type.');
      G.api(requestPath('/replies'), {
        method: 'POST',
        body: saved ? { savedReplyId: saved } : { text: text },
      })
        .then(function (r) {
          G.textarea('reply-text').value = '';
          G.textarea('reply-text').readOnly = false;
          G.select('saved-reply').value = '';
          G.announce(r.sent ? 'Message envoyé au demandeur.' : 'Message non envoyé : ' + r.why);
          if (!r.sent) showError('reply-error', 'Message non envoyé : ' + r.why);
          return loadTimeline();
        })
        .catch(function (e) {
          showError('reply-error', e);
        });
    });

    G.byId('note-form').addEventListener('submit', function (event) {
      event.preventDefault();
      G.byId('note-error').textContent = '';
      var text = G.textarea('note-text').value.trim();
      if (!text) return showError('note-error', 'La note est vide.');
      G.api(requestPath('/notes'), { method: 'POST', body: { text: text } })
        .then(function () {
          G.textarea('note-text').value = '';
          G.announce('Note interne ajoutée.');
          return loadTimeline();
        })
        .catch(function (e) {
          showError('note-error', e);
        });
    });

    G.byId('assign-form').addEventListener('submit', function (event) {
      event.preventDefault();
      G.byId('assign-error').textContent = '';
      var body = {
        teamId: G.select('assign-team').value || null,
        agentId: G.select('assign-agent').value || null,
      };
      G.api(requestPath('/assign'), { method: 'POST', body: body })
        .then(function (r) {
          render(r);
          G.announce('Attribution enregistrée.');
          return loadTimeline();
        })
        .catch(function (e) {
          showError('assign-error', e);
        });
    });

    G.byId('intervention-form').addEventListener('submit', function (event) {
      event.preventDefault();
      G.byId('intervention-error').textContent = '';
      var what = G.input('intervention-what').value.trim();
      if (!what) {
        G.input('intervention-what').focus();
        return showError('intervention-error', 'Décrivez les travaux à faire.');
      }
      /** @type {Record<string, unknown>} */
      var body = { what: what, priority: G.select('intervention-priority').value };
      var team = G.select('intervention-team').value;
      if (team) body.teamId = team;
      var planned = G.input('intervention-date').value;
      if (planned) body.plannedFor = planned;
      var notes = G.textarea('intervention-notes').value.trim();
      if (notes) body.notes = notes;
      G.api(requestPath('/interventions'), { method: 'POST', body: body })
        .then(function (i) {
          G.input('intervention-what').value = '';
          G.input('intervention-date').value = '';
          G.textarea('intervention-notes').value = '';
          G.select('intervention-team').value = '';
          G.select('intervention-priority').value = 'normal';
          G.announce(
            'Intervention prévue' +
              (i.plannedFor ? ' le ' + day(i.plannedFor) : '') +
              ' ; le demandeur est prévenu.',
          );
          return Promise.all([loadInterventions(), loadRequest(), loadTimeline()]);
        })
        .catch(function (e) {
          showError('intervention-error', e);
        });
    });

    G.byId('transfer-form').addEventListener('submit', function (event) {
      event.preventDefault();
      G.byId('transfer-error').textContent = '';
      var authorityId = G.select('transfer-authority').value;
      var reason = G.textarea('transfer-reason').value.trim();
      if (!authorityId)
        return showError('transfer-error', 'Choisissez la structure qui traitera la demande.');
      if (!reason) return showError('transfer-error', 'Indiquez le motif du transfert.');
      G.api(requestPath('/transfer'), { method: 'POST', body: { authorityId: authorityId, reason: reason } })
        .then(function (r) {
          var name = G.label(vocabulary, 'authorities', r.authorityId);
          G.textarea('transfer-reason').value = '';
          if (r.visible) {
            render(r);
            G.announce('Demande transférée à ' + name + '.');
            return loadTimeline();
          }
          // The request is now another authority's: this agent no longer sees it.
          G.byId('request').hidden = true;
          G.byId('transferred-text').textContent =
            'La demande ' +
            r.reference +
            ' est désormais traitée par ' +
            name +
            '. Elle ne fait plus partie de vos demandes.';
          G.byId('transferred').hidden = false;
          G.byId('transferred-title').focus();
        })
        .catch(function (e) {
          showError('transfer-error', e);
        });
    });

    G.byId('status-form').addEventListener('submit', function (event) {
      event.preventDefault();
      G.byId('status-error').textContent = '';
      var note = G.textarea('status-note').value.trim();
      /** @type {Record<string, unknown>} */
      var body = {
        status: G.select('status-select').value,
        notify: G.input('status-notify').checked,
        public: G.input('status-public').checked,
      };
      if (note) body.note = note;
      G.api(requestPath('/status'), { method: 'POST', body: body })
        .then(function (r) {
          G.textarea('status-note').value = '';
          render(r);
          G.announce('Statut enregistré : ' + G.label(vocabulary, 'statuses', r.status) + '.');
          return loadTimeline();
        })
        .catch(function (e) {
          showError('status-error', e);
        });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!ref) {
      G.byId('page-error').textContent = 'Aucune demande indiquée.';
      return;
    }
    G.resume()
      .then(function (signedIn) {
        if (!signedIn)
          throw Object.assign(new Error('Connectez-vous à la console pour voir cette demande.'), {
            status: 401,
          });
        return G.vocabulary();
      })
      .then(function (v) {
        vocabulary = v;
        wire();
        return Promise.all([
          loadRequest(),
          loadTimeline(),
          loadSavedReplies(),
          loadInterventions(),
          offerInterventionForm(),
        ]);
      })
      .catch(function (/** @type {GuichetApiError} */ e) {
        var message = G.byId('page-error');
        message.textContent =
          e.status === 404 ? 'Cette demande n’existe pas ou n’est pas dans votre périmètre.' : e.message;
        if (e.status === 401)
          message.appendChild(G.el('a', { href: '/console', text: ' Aller à la connexion' }));
      });
  });
})();
