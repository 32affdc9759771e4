// @ts-check
/**
 * The receipt of a request (/console/recu.html?ref=DEM-…), printed for a citizen at the counter: who issued
 * it, the reference, what was asked and where, who handles it, and how to follow it — on an A4 page or an
 * 80 mm ticket. No contact details are on it (the request views never carry them).
 */
(function () {
  'use strict';
  var G = window.Guichet;
  var ref = new URLSearchParams(location.search).get('ref');

  /** @param {HTMLElement} dl @param {string} label @param {string | null | undefined} value */
  function fact(dl, label, value) {
    if (!value) return;
    dl.appendChild(G.el('dt', { text: label }));
    dl.appendChild(G.el('dd', { text: value }));
  }

  /** @type {Record<string, string>} */
  var WHERE = { desk: 'à l’accueil', phone: 'par téléphone' };

  /** @param {any} r @param {GuichetVocabulary} v @param {string} issuer */
  function render(r, v, issuer) {
    document.title = 'Reçu ' + r.reference + ' – Guichet';
    G.byId('receipt-issuer').textContent = issuer;
    G.byId('receipt-reference').textContent = r.reference;
    var facts = G.byId('receipt-facts');
    G.clear(facts);
    var category = r.payload && typeof r.payload.category === 'string' ? r.payload.category : null;
    fact(
      facts,
      'Déposée le',
      G.when(r.createdAt) +
        (WHERE[r.channel] ? ' ' + WHERE[r.channel] : ' (' + G.label(v, 'channels', r.channel) + ')'),
    );
    fact(
      facts,
      'Démarche',
      G.label(v, 'requestTypes', r.type) +
        (category
          ? ' · ' + (v.categories[r.type + ':' + category] || G.label(v, 'categories', category))
          : ''),
    );
    fact(facts, 'Lieu', r.addressText || (r.location && r.location.label) || null);
    fact(facts, 'Commune', r.communeId ? G.label(v, 'communes', r.communeId) : null);
    fact(facts, 'Description', typeof r.payload.description === 'string' ? r.payload.description : null);
    fact(facts, 'Traitée par', G.label(v, 'authorities', r.authorityId));
    G.byId('receipt-follow').textContent =
      'Donnez cette référence pour connaître l’avancement : par SMS ou sur le chat du site (« où en est ' +
      r.reference +
      ' ? »), ou à l’accueil de la mairie avec ce reçu.';
    G.byId('receipt').hidden = false;
    G.byId('tools').hidden = false;
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!ref) {
      G.byId('page-error').textContent = 'Aucune demande indiquée.';
      return;
    }
    Array.prototype.forEach.call(
      document.querySelectorAll('input[name=format]'),
      /** @param {HTMLInputElement} radio */ function (radio) {
        radio.addEventListener('change', function () {
          document.body.className = radio.value;
        });
      },
    );
    G.button('print').addEventListener('click', function () {
      window.print();
    });
    G.resume()
      .then(function (signedIn) {
        if (!signedIn)
          throw Object.assign(new Error('Connectez-vous à la console pour imprimer ce reçu.'), {
            status: 401,
          });
        return Promise.all([
          G.api(G.withTenant('/requests/' + encodeURIComponent(/** @type {string} */ (ref)))),
          G.vocabulary(),
          G.api('/me'),
        ]);
      })
      .then(function (answers) {
        var r = answers[0];
        var me = answers[2];
        var tenant = (me.tenants || []).filter(
          /** @param {{ id: string, name: string }} t */ function (t) {
            return t.id === r.tenantId;
          },
        )[0];
        render(r, answers[1], tenant ? tenant.name : '');
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
