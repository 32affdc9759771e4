// Where the public map puts a report: not where it is, but at the centre of its cell in a grid of about 50 m.
// A pothole stays findable on the right street, and a report made from a doorstep does not point at that door.
// (Snapping rather than random jitter: jitter averages out when the same place is drawn again and again.)

/** The grid's cell size, in metres. */
export const GRID_METRES = 50;
const METRES_PER_DEGREE = 111_320;

export function blurPosition(p: { lat: number; lon: number }): { lat: number; lon: number } {
  const latStep = GRID_METRES / METRES_PER_DEGREE;
  const lat = (Math.floor(p.lat / latStep) + 0.5) * latStep;
  // A degree of longitude shrinks with the cosine of the latitude; the cell's own latitude keeps it stable.
  const lonStep = GRID_METRES / (METRES_PER_DEGREE * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const lon = (Math.floor(p.lon / lonStep) + 0.5) * lonStep;
  return { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
}
