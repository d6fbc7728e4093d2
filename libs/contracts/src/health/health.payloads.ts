/** What a service's health message answers. */
export interface ServiceHealth {
  service: string;
  version: string;
  instanceId: string;
  database: 'up' | 'down';
  uptimeSec: number;
}
