import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service';

@Module({
  // Failures are answered on the health port and the health pattern; terminus' own error log would only repeat them.
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [ReadinessService],
  exports: [ReadinessService],
})
export class ReadinessModule {}
