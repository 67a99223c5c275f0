/**
 * The last Docker for AWS stable template. An S3 URL, because CloudFormation reads `template_url` only from
 * S3. Docker for AWS is abandoned (python2.7 Lambda, launch configurations): accounts that cannot run it
 * host a patched copy and set `templateUrl`.
 */
export const DOCKER_FOR_AWS_TEMPLATE_URL = "https://editions-us-east-1.s3.amazonaws.com/aws/stable/Docker.tmpl";
