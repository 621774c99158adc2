import { Testing } from 'cdktf';
// Types of the matchers below (toHaveResourceWithProperties, ...).
import 'cdktf/lib/testing/adapters/jest';

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toHaveDataSource, ...
Testing.setupJest();
