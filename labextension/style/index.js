import './base.css';
import './ml.css';
