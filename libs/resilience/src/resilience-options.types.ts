import type { AppConfig } from '@app/config';

export type ResilienceOptions = AppConfig['resilience'];
