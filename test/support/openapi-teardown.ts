import { teardown } from './openapi-report';

export default teardown;
