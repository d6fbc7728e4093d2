import { Module } from '@nestjs/common';
import { WriteGate } from './write-gate.service';

/** The movie service's one write gate (per process), shared by every feature that writes. */
@Module({ providers: [WriteGate], exports: [WriteGate] })
export class WriteGateModule {}
