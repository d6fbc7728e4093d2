import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RpcAuthGuard, RpcRoles } from '@app/auth';
import { MOVIE_PATTERNS, SeedResult } from '@app/contracts';
import { ChangesCatalog } from '../catalog-cache/catalog-cache.interceptor';
import { DemoSeeder } from './demo.seeder';

@Controller()
export class DemoHandler {
  constructor(private readonly seeder: DemoSeeder) {}

  @UseGuards(RpcAuthGuard)
  @RpcRoles('admin')
  @ChangesCatalog()
  @MessagePattern(MOVIE_PATTERNS.seedDemo)
  seed(): Promise<SeedResult> {
    return this.seeder.seed();
  }
}
