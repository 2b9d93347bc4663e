import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { KServeController } from './kserve.controller';
import { ModelCardService } from './model-card.service';
import { ModelController } from './model.controller';
import { PredictionsController } from './predictions.controller';
import { SeedController } from './seed.controller';

/** The classification routes: REST v1, KServe v2 and the seed's. The model itself lives in ClassifierCoreModule. */
@Module({
  imports: [AuthModule],
  controllers: [PredictionsController, ModelController, KServeController, SeedController],
  providers: [ModelCardService],
  exports: [ModelCardService],
})
export class ClassifierModule {}
