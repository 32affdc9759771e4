// The public map of open public-space reports: vector markers drawn from carte.json (blurred positions,
// category, state and day only), so the points show even when the tile server cannot be reached; the same
// reports fill the list below the map for people who do not use it.
// @ts-check
(function () {
  'use strict';
  const element = document.getElementById('carte-signalements');
  const found = document.getElementById('carte-etat');
  const body = document.querySelector('#carte-liste tbody');
  if (!element || !found || !body) return;
  const status = found;
  const list = body;
  const data = element.dataset;
  const day = new Intl.DateTimeFormat('fr-FR', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  /** @param {string} date YYYY-MM-DD */
  const frenchDay = (date) => day.format(new Date(`${date}T00:00:00Z`));

  /** @param {{ points: { lat: number, lon: number, category: string, status: string, date: string }[], truncated: boolean }} map */
  function draw(map) {
    const L = /** @type {any} */ (window).L;
    for (const p of map.points) {
      const row = document.createElement('tr');
      for (const text of [p.category, p.status, frenchDay(p.date)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      list.append(row);
    }
    const count = map.points.length;
    status.textContent =
      count === 0
        ? 'Aucun signalement en cours sur l’espace public.'
        : `${count} signalement${count > 1 ? 's' : ''} en cours${map.truncated ? ' (les plus récents)' : ''}.`;
    if (!L || !element) return;
    const centre = [Number(data.lat), Number(data.lon)];
    const leaflet = L.map(element, { scrollWheelZoom: false }).setView(centre, 13);
    L.tileLayer(data.tuiles, { attribution: data.attribution, maxZoom: 18 }).addTo(leaflet);
    const markers = map.points.map((p) =>
      L.circleMarker([p.lat, p.lon], { radius: 7, color: '#000091', weight: 2, fillOpacity: 0.6 }).bindPopup(
        // Text only: labels come from the territory and are never read as markup.
        () => {
          const box = document.createElement('div');
          box.textContent = `${p.category} — ${p.status} — déposé le ${frenchDay(p.date)}`;
          return box;
        },
      ),
    );
    for (const m of markers) m.addTo(leaflet);
    if (markers.length > 0)
      leaflet.fitBounds(L.featureGroup(markers).getBounds(), { maxZoom: 16, padding: [20, 20] });
  }

  fetch(data.points || '', { headers: { Accept: 'application/json' } })
    .then((res) => {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(draw)
    .catch(() => {
      status.textContent = 'La carte n’a pas pu être chargée. Réessayez plus tard.';
    });
})();
