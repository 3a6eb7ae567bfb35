/**
 * Events per UTC hour and phase: the backdrop of the report's charts (how busy the logs were
 * before and after the cutoff). One small entry per hour of data, whatever the volume.
 */
import type { MailEvent, Phase } from '../event.js';

const HOUR = 3_600_000;
const PHASE_INDEX: Record<Phase, number> = { baseline: 0, window: 1, after: 2 };

export interface VolumeBucket {
  /** Start of the UTC hour, epoch ms. */
  hour: number;
  baseline: number;
  window: number;
  after: number;
}

export class EventVolume {
  private readonly hours = new Map<number, [number, number, number]>();

  observe(event: MailEvent): void {
    const key = Math.floor(event.ts / HOUR);
    let counts = this.hours.get(key);
    if (!counts) {
      counts = [0, 0, 0];
      this.hours.set(key, counts);
    }
    counts[PHASE_INDEX[event.phase]]! += 1;
  }

  /** Hours with events, oldest first. */
  buckets(): VolumeBucket[] {
    return [...this.hours.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([key, [baseline, window, after]]) => ({ hour: key * HOUR, baseline, window, after }));
  }
}
